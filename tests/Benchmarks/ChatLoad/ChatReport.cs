using System.Globalization;
using System.Text;
using System.Text.Json;
using Atom.Benchmarks.Shared;
using static Atom.Benchmarks.Shared.ReportFiles;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>Every chat run of a benchmark, with the machine it ran on: results/chat/latest.json.</summary>
/// <param name="Machine">The machine and pinning.</param>
/// <param name="Runs">The runs, in the order they ran.</param>
public sealed record ChatReportDocument(string Machine, List<ChatResult> Runs);

/// <summary>Tables of the chat runs: printed, and written as PREFIX.md and PREFIX.json.</summary>
public static class ChatReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="runsDirectory">The runs' JSON files (read in name order).</param>
    /// <param name="prefix">The output path without extension.</param>
    /// <param name="machine">The machine note.</param>
    /// <returns>Whether there were runs and every one succeeded.</returns>
    public static bool Write(string runsDirectory, string prefix, string machine)
    {
        var runs = ReportFiles.ReadRuns(runsDirectory, ChatResult.FromJson);
        ReportFiles.Write(prefix, Markdown(machine, runs), JsonSerializer.Serialize(new ChatReportDocument(machine, runs), ChatJson.Default.ChatReportDocument));
        return runs.Count > 0 && runs.All(r => r.Succeeded);
    }

    private static string Markdown(string machine, List<ChatResult> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Atom chat benchmark").AppendLine();
        if (machine.Length > 0)
        {
            md.AppendLine(machine).AppendLine();
        }

        var fanout = runs.Where(r => r.Kind == "fanout").ToList();
        if (fanout.Count > 0)
        {
            md.AppendLine("## Fan-out latency: send (client clock before SendMessage) to delivery, over every (message, subscriber) pair").AppendLine();
            Header(md, "| store | transport | subscribers | streams/conn | rate msg/s | sent | deliveries | p50 ms | p90 ms | p99 ms | max ms | send p50 ms | send p99 ms | srv cpu % | srv cpu wait % | db cpu % | load cpu % | load avg | checks |", leftAligned: 2);
            foreach (var r in fanout)
            {
                md.AppendLine(inv, $"| {r.Store} | {r.Transport} | {r.SubscribersPerRoom} | {r.StreamsPerConnection} | {r.SendsPerSecond:F0} | {r.Sent} | {r.Deliveries} | {Ms(r.DeliveryLatencyMs?.P50)} | {Ms(r.DeliveryLatencyMs?.P90)} | {Ms(r.DeliveryLatencyMs?.P99)} | {Ms(r.DeliveryLatencyMs?.Max)} | {Ms(r.SendLatencyMs?.P50)} | {Ms(r.SendLatencyMs?.P99)} | {Pct(r.Process?.ServerCpuSeconds, r)} | {Pct(r.Process?.ServerCpuWaitSeconds, r)} | {Pct(r.Process?.DbCpuSeconds, r)} | {Pct(r.Process?.ClientCpuSeconds, r)} | {r.Process?.LoadAverage:F1} | {Checks(r)} |");
            }

            md.AppendLine();
        }

        var load = runs.Where(r => r.Kind == "throughput").ToList();
        if (load.Count > 0)
        {
            md.AppendLine("## Sustained sends: closed-loop senders, each on its own connection").AppendLine();
            Header(md, "| store | senders | rooms | subs/room | sends/s | send p50 ms | send p99 ms | deliveries/s | delivery p50 ms | delivery p99 ms | drain s | srv cpu % | srv cpu wait % | srv cpu ms/send | db cpu % | load cpu % | load avg | cut-offs | checks |", leftAligned: 1);
            foreach (var r in load)
            {
                md.AppendLine(inv, $"| {r.Store} | {r.Senders} | {r.Rooms} | {r.SubscribersPerRoom} | {r.SendsPerSecond:F0} | {Ms(r.SendLatencyMs?.P50)} | {Ms(r.SendLatencyMs?.P99)} | {(r.Deliveries == 0 ? "-" : r.DeliveriesPerSecond.ToString("F0", inv))} | {Ms(r.DeliveryLatencyMs?.P50)} | {Ms(r.DeliveryLatencyMs?.P99)} | {r.DrainSeconds:F2} | {Pct(r.Process?.ServerCpuSeconds, r)} | {Pct(r.Process?.ServerCpuWaitSeconds, r)} | {PerSend(r.Process?.ServerCpuSeconds, r)} | {Pct(r.Process?.DbCpuSeconds, r)} | {Pct(r.Process?.ClientCpuSeconds, r)} | {r.Process?.LoadAverage:F1} | {r.Cutoffs} | {Checks(r)} |");
            }

            md.AppendLine();
        }

        var idle = runs.Where(r => r.Kind == "idle").ToList();
        if (idle.Count > 0)
        {
            md.AppendLine("## Memory per idle stream: server VmRSS (and RssAnon) with idle subscribers joined to one room").AppendLine();
            Header(md, "| store | transport | streams/conn | readings: streams → rss MiB (anon) | KiB/stream rss | KiB/stream anon | all-streams delivery p50 / max ms | load avg | checks |", leftAligned: 2);
            foreach (var r in idle)
            {
                var readings = string.Join(", ", (r.Memory ?? []).Select(m => string.Create(inv, $"{m.Label}: {m.RssMiB:F0} ({m.AnonMiB:F0})")));
                md.AppendLine(inv, $"| {r.Store} | {r.Transport} | {r.StreamsPerConnection} | {readings} | {r.RssKiBPerStream:F1} | {r.AnonKiBPerStream:F1} | {Ms(r.DeliveryLatencyMs?.P50)} / {Ms(r.DeliveryLatencyMs?.Max)} | {r.Process?.LoadAverage:F1} | {Checks(r)} |");
            }

            md.AppendLine();
        }

        var failed = runs.Where(r => !r.Succeeded).ToList();
        foreach (var r in failed)
        {
            md.AppendLine(inv, $"FAILED {r.Scenario}: gaps {r.Gaps}, repeats {r.Repeats}, mismatches {r.Mismatches}, undelivered {r.Undelivered}; {string.Join("; ", r.Errors.Select(e => $"{e.Key} (x{e.Value})"))}");
        }

        return md.ToString();
    }

    private static string Pct(double? cpuSeconds, ChatResult r) =>
        cpuSeconds is { } s && r.DurationSeconds > 0 ? (100 * s / (r.DurationSeconds + (r.Kind == "fanout" ? r.DrainSeconds ?? 0 : 0))).ToString("F0", CultureInfo.InvariantCulture) : "-";

    private static string PerSend(double? cpuSeconds, ChatResult r) =>
        cpuSeconds is { } s && r.Sent > 0 ? (1000 * s / r.Sent).ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Checks(ChatResult r) => r.Succeeded ? (r.Cutoffs > 0 ? $"ok ({r.Cutoffs} resumed)" : "ok") : "FAILED";
}
