using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Benchmarks.Shared;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>
/// Fan-out latency: one room with N subscribers and one open-loop sender at a modest fixed rate. Each send is
/// issued on schedule whether or not the previous one has been answered, so a slow answer cannot hide queueing
/// (no coordinated omission). The figure is the distribution, over every (message, subscriber) pair, of the time
/// from the sender's clock just before SendMessage to the subscriber's clock when the event has been read.
/// </summary>
public static class FanoutRun
{
    private const int WarmupMessages = 20;

    /// <summary>Runs it.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<ChatResult> RunAsync(ChatLoadOptions options)
    {
        using var session = new LoadSession(options);
        var roomId = await session.CreateRoomAsync("fanout");
        var watchers = await session.OpenWatchersAsync(roomId, options.Subscribers);
        var chat = new ChatServiceClient(session.Target.NewChannel());

        // Warm-up: a few sends on the same paths, delivered and checked, not recorded.
        for (var i = 0; i < WarmupMessages; i++)
        {
            await session.SendAsync(chat, roomId, session.RequestId(0, -i - 1), null);
        }

        var sendLatency = new LatencyHistogram();
        var measureFrom = Stopwatch.GetTimestamp();
        foreach (var w in watchers)
        {
            w.RecordFrom = measureFrom;
        }

        var window = new ProcessWindow(options.ServerPid, options.DbPid);
        var total = (long)Math.Round(options.Rate * options.Duration.TotalSeconds);
        var sends = new List<Task>();
        var interval = Stopwatch.Frequency / options.Rate;
        for (long n = 0; n < total; n++)
        {
            var due = measureFrom + (long)(n * interval);
            // The timer may wake a millisecond late; the latency is measured from the real send, not the schedule.
            var wait = MessageStamp.Nanoseconds(Stopwatch.GetTimestamp(), due);
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(wait / 100));
            }

            var requestId = session.RequestId(0, n);
            sends.Add(Task.Run(async () =>
            {
                var latency = new LatencyHistogram();
                await session.SendAsync(chat, roomId, requestId, latency);
                lock (sendLatency)
                {
                    sendLatency.Add(latency);
                }
            }));
        }

        await Task.WhenAll(sends);
        var sendSeconds = Stopwatch.GetElapsedTime(measureFrom).TotalSeconds;
        var drain = await session.DrainAsync();
        var process = window.Read();

        var delivery = new LatencyHistogram();
        var totals = await session.StopWatchersAsync(delivery);
        return new ChatResult
        {
            Kind = "fanout",
            Scenario = options.Scenario,
            Store = options.Store,
            Transport = options.Transport,
            Rooms = 1,
            SubscribersPerRoom = options.Subscribers,
            StreamsPerConnection = options.StreamsPerConnection,
            Senders = 0,
            TargetRate = options.Rate,
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
