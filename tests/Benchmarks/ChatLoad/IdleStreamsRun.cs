using System.Diagnostics;
using System.Globalization;
using Atom.Benchmarks.LoadTool;
using Atom.Benchmarks.Shared;
using Atom.V1;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>
/// Memory per idle stream: the server's resident memory with 0 streams open, then with more and more idle
/// subscribers joined to one room, then after they close. Each reading follows a settle time. At the largest count
/// a few messages are sent, so every stream is proven live (and in order) and the time to reach all of them is known.
/// </summary>
public static class IdleStreamsRun
{
    private const int WarmupStreams = 10;
    private const int WarmupMessages = 10;
    private const int ProbeMessages = 5;

    /// <summary>Runs it.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<ChatResult> RunAsync(ChatLoadOptions options)
    {
        if (options.ServerPid is not { } pid)
        {
            throw new ArgumentException("idle needs --server-pid");
        }

        using var session = new LoadSession(options);
        var roomId = await session.CreateRoomAsync("idle");
        var chat = new ChatServiceClient(session.Target.NewChannel());

        // Warm-up: the stream, send and delivery paths run once before the baseline, so it holds their code and caches.
        var ignored = new LatencyHistogram();
        await session.OpenWatchersAsync(roomId, WarmupStreams);
        for (var i = 0; i < WarmupMessages; i++)
        {
            await session.SendAsync(chat, roomId, session.RequestId(0, -i - 1), null);
        }

        await session.DrainAsync();
        var totals = new List<WatcherTotals> { await session.StopWatchersAsync(ignored) };

        var window = new ProcessWindow(options.ServerPid, options.DbPid);
        var memory = new List<MemoryStep> { await ReadAsync(pid, "baseline", 0, options.Settle) };

        // The watchers of the warm-up are gone; the ledger's start stays, so new ones catch up the warm-up messages first.
        var open = 0;
        foreach (var step in options.Steps)
        {
            await session.OpenWatchersAsync(roomId, step - open);
            open = step;
            memory.Add(await ReadAsync(pid, open.ToString(CultureInfo.InvariantCulture), open, options.Settle));
        }

        var probeFrom = Stopwatch.GetTimestamp();
        foreach (var w in session.Watchers)
        {
            w.RecordFrom = probeFrom;
        }

        for (var i = 0; i < ProbeMessages; i++)
        {
            await session.SendAsync(chat, roomId, session.RequestId(0, i), null);
        }

        var drain = await session.DrainAsync();
        var delivery = new LatencyHistogram();
        totals.Add(await session.StopWatchersAsync(delivery));
        memory.Add(await ReadAsync(pid, "closed", 0, options.Settle));

        var baseline = memory[0];
        var peak = memory[^2];
        return new ChatResult
        {
            Kind = "idle",
            Scenario = options.Scenario,
            Store = options.Store,
            Transport = options.Transport,
            Rooms = 1,
            SubscribersPerRoom = open,
            StreamsPerConnection = options.StreamsPerConnection,
            Deliveries = delivery.Count,
            DeliveryLatencyMs = LatencyFigures.From(delivery),
            DrainSeconds = drain,
            Gaps = totals.Sum(t => t.Gaps),
            Repeats = totals.Sum(t => t.Repeats),
            Mismatches = totals.Sum(t => t.Mismatches),
            Undelivered = totals.Sum(t => t.Undelivered),
            Cutoffs = totals.Sum(t => t.Cutoffs),
            Errors = session.Errors,
            Process = window.Read(),
            Memory = memory,
            RssKiBPerStream = open == 0 ? null : (peak.RssMiB - baseline.RssMiB) * 1024 / open,
            AnonKiBPerStream = open == 0 ? null : (peak.AnonMiB - baseline.AnonMiB) * 1024 / open,
        };
    }

    private static async Task<MemoryStep> ReadAsync(int pid, string label, int streams, TimeSpan settle)
    {
        await Task.Delay(settle);
        return new MemoryStep(label, streams, ProcessProbe.RssMiB(pid) ?? 0, AnonKiB(pid) / 1024.0);
    }

    private static long AnonKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
