using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Benchmarks.Shared;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>
/// Sustained sends of one node: N closed-loop senders (each on its own connection, each waiting for its answer
/// before sending again) into one room or spread round-robin over many, with or without subscribers in every room.
/// The figure is acknowledged sends per second after a warm-up; every send is also checked for delivery, once and
/// in order, to every subscriber of its room.
/// </summary>
public static class ThroughputRun
{
    /// <summary>Runs it.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<ChatResult> RunAsync(ChatLoadOptions options)
    {
        using var session = new LoadSession(options);
        var rooms = new string[options.Rooms];
        for (var r = 0; r < rooms.Length; r++)
        {
            rooms[r] = await session.CreateRoomAsync("load");
        }

        foreach (var room in rooms)
        {
            await session.OpenWatchersAsync(room, options.Subscribers);
        }

        var clients = Enumerable.Range(0, options.Senders).Select(_ => new ChatServiceClient(session.Target.NewChannel())).ToArray();
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        foreach (var w in session.Watchers)
        {
            w.RecordFrom = measureFrom;
        }

        var histograms = new LatencyHistogram[options.Senders];
        var senders = new Task[options.Senders];
        for (var i = 0; i < senders.Length; i++)
        {
            var sender = i;
            histograms[sender] = new LatencyHistogram();
            senders[sender] = Task.Run(async () =>
            {
                for (long n = 0; Stopwatch.GetTimestamp() < end; n++)
                {
                    var measured = Stopwatch.GetTimestamp() >= measureFrom;
                    await session.SendAsync(clients[sender], rooms[(sender + n) % rooms.Length], session.RequestId(sender, n), measured ? histograms[sender] : null);
                }
            });
        }

        var untilMeasured = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
        if (untilMeasured > TimeSpan.Zero)
        {
            await Task.Delay(untilMeasured);
        }

        var window = new ProcessWindow(options.ServerPid, options.DbPid);
        await Task.WhenAll(senders);
        var sendSeconds = Stopwatch.GetElapsedTime(measureFrom).TotalSeconds;
        var process = window.Read();
        var drain = await session.DrainAsync();

        var sendLatency = new LatencyHistogram();
        foreach (var h in histograms)
        {
            sendLatency.Add(h);
        }

        var delivery = new LatencyHistogram();
        var totals = await session.StopWatchersAsync(delivery);
        return new ChatResult
        {
            Kind = "throughput",
            Scenario = options.Scenario,
            Store = options.Store,
            Transport = options.Transport,
            Rooms = rooms.Length,
            SubscribersPerRoom = options.Subscribers,
            StreamsPerConnection = options.StreamsPerConnection,
            Senders = options.Senders,
            DurationSeconds = sendSeconds,
            Sent = sendLatency.Count,
            SendsPerSecond = sendLatency.Count / sendSeconds,
            SendLatencyMs = LatencyFigures.From(sendLatency),
            Deliveries = delivery.Count,
            DeliveriesPerSecond = delivery.Count / (sendSeconds + drain),
            DeliveryLatencyMs = LatencyFigures.From(delivery),
            DrainSeconds = drain,
            Gaps = totals.Gaps,
            Repeats = totals.Repeats,
            Mismatches = totals.Mismatches,
            Undelivered = totals.Undelivered,
            Cutoffs = totals.Cutoffs,
            Errors = session.Errors,
            Process = process with { LoadAverage = ProcessWindow.LoadAverage, ServerRssMiB = window.ServerRss, ServerPeakRssMiB = window.ServerPeakRss },
        };
    }
}
