using System.Globalization;
using System.Text;
using System.Text.Json;
using Atom.Benchmarks.Shared;
using static Atom.Benchmarks.Shared.ReportFiles;

namespace Atom.Benchmarks.FileLoad;

/// <summary>Tables of the file runs: printed, and written as PREFIX.md and PREFIX.json.</summary>
public static class FileReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="runsDirectory">The runs' JSON files (read in name order).</param>
    /// <param name="prefix">The output path without extension.</param>
    /// <param name="machine">The machine note.</param>
    /// <returns>Whether there were runs and every one succeeded.</returns>
    public static bool Write(string runsDirectory, string prefix, string machine)
    {
        var runs = ReadRuns(runsDirectory, FileResult.FromJson);
        ReportFiles.Write(prefix, Markdown(machine, runs), JsonSerializer.Serialize(new FileReportDocument(machine, runs), FileJson.Default.FileReportDocument));
        return runs.Count > 0 && runs.All(r => r.Succeeded);
    }

    private static string Markdown(string machine, List<FileResult> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Atom file upload benchmark").AppendLine();
        if (machine.Length > 0)
        {
            md.AppendLine(machine).AppendLine();
        }

        // One group per batch shape (size, count, concurrency), the raw copies first: the ratios are to them.
        var batches = runs.Where(r => r.Kind is "loopback" or "upload")
            .GroupBy(r => (r.FileBytes, r.Files, r.Concurrency))
            .Select(g => g.OrderBy(r => r.Path switch { "loopback" => 0, "loopback-disk" => 1, _ => 2 }).ToList())
            .ToList();
        if (batches.Count > 0)
        {
            md.AppendLine("## Upload throughput, next to a raw TCP copy of the same bytes on loopback (the physical limit)").AppendLine();
            Header(md, "| store | path | files × size | conc | chunk | in flight | MB/s | files/s | × raw copy | × disk copy | file p50 ms | file p99 ms | all ready s | srv cpu % | srv cpu ms/MB | srv cpu wait % | db cpu % | load cpu % | srv rss / peak MiB | load rss MiB | load avg | checks |", leftAligned: 2);
            foreach (var batch in batches)
            {
                var copy = batch.FirstOrDefault(r => r.Path == "loopback")?.MegabytesPerSecond;
                var disk = batch.FirstOrDefault(r => r.Path == "loopback-disk")?.MegabytesPerSecond;
                foreach (var r in batch)
                {
                    var ratio = Ratio(r.MegabytesPerSecond, copy);
                    md.AppendLine(inv, $"| {r.Store} | {PathName(r.Path)} | {r.Files} × {Size(r.FileBytes)} | {r.Concurrency} | {Size(r.ChunkBytes)} | {(r.InFlight?.ToString(inv) ?? "-")} | {r.MegabytesPerSecond:F1} | {r.FilesPerSecond:F1} | {ratio} | {Ratio(r.MegabytesPerSecond, disk)} | {Ms(r.FileLatencyMs?.P50)} | {Ms(r.FileLatencyMs?.P99)} | {r.ReadySeconds?.ToString("F2", inv) ?? "-"} | {Pct(r.Process?.ServerCpuSeconds, r)} | {PerMegabyte(r.Process?.ServerCpuSeconds, r)} | {Pct(r.Process?.ServerCpuWaitSeconds, r)} | {Pct(r.Process?.DbCpuSeconds, r)} | {Pct(r.Process?.ClientCpuSeconds, r)} | {Mib(r.Process?.ServerRssMiB)} / {Mib(r.Process?.ServerPeakRssMiB)} | {Mib(r.Process?.ClientRssMiB)} | {r.Process?.LoadAverage:F1} | {Checks(r)} |");
                }
            }

            md.AppendLine();
        }

        var ready = runs.Where(r => r.Kind == "ready").ToList();
        if (ready.Count > 0)
        {
            md.AppendLine("## Upload to \"searchable\": from the start of an upload until WatchFile reports READY with extracted text, one file at a time").AppendLine();
            Header(md, "| store | content | files | bytes | upload p50 ms | upload p99 ms | ready p50 ms | ready p99 ms | ready max ms | processing p50 ms | processing p99 ms | srv cpu ms/file | load avg | checks |", leftAligned: 2);
            foreach (var r in ready)
            {
                var perFile = r.Process?.ServerCpuSeconds is { } s && r.Files > 0 ? (1000 * s / r.Files).ToString("F1", inv) : "-";
                md.AppendLine(inv, $"| {r.Store} | {r.Path} | {r.Files} | {r.FileBytes} | {Ms(r.FileLatencyMs?.P50)} | {Ms(r.FileLatencyMs?.P99)} | {Ms(r.ReadyLatencyMs?.P50)} | {Ms(r.ReadyLatencyMs?.P99)} | {Ms(r.ReadyLatencyMs?.Max)} | {Ms(r.ProcessingLatencyMs?.P50)} | {Ms(r.ProcessingLatencyMs?.P99)} | {perFile} | {r.Process?.LoadAverage:F1} | {Checks(r)} |");
            }

            md.AppendLine();
        }

        foreach (var r in runs.Where(r => !r.Succeeded))
        {
            md.AppendLine(inv, $"FAILED {r.Scenario}: {string.Join("; ", r.Errors.Select(e => $"{e.Key} (x{e.Value})"))}");
        }

        return md.ToString();
    }

    private static string PathName(string path) => path switch
    {
        "loopback" => "raw TCP copy",
        "loopback-disk" => "raw TCP copy + write + fsync",
        "stream" => "Upload stream (gRPC)",
        "chunks-web" => "browser: chunks, gRPC-Web",
        "chunks-h2" => "chunks, gRPC",
        _ => path,
    };

    private static string Size(long bytes) => bytes switch
    {
        >= 1_000_000 when bytes % 1_000_000 == 0 => $"{bytes / 1_000_000} MB",
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1000 when bytes % 1000 == 0 => $"{bytes / 1000} KB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes >> 10} KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };

    private static string Ratio(double value, double? baseline) => baseline is > 0 ? (value / baseline.Value).ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Mib(double? value) => value?.ToString("F0", CultureInfo.InvariantCulture) ?? "-";

    private static string Pct(double? cpuSeconds, FileResult r) =>
        cpuSeconds is { } s && r.DurationSeconds > 0 ? (100 * s / r.DurationSeconds).ToString("F0", CultureInfo.InvariantCulture) : "-";

    private static string PerMegabyte(double? cpuSeconds, FileResult r) =>
        cpuSeconds is { } s && r.Bytes > 0 ? (1000 * s / (r.Bytes / 1e6)).ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Checks(FileResult r) => r.Succeeded ? (r.Downloaded > 0 ? $"ok ({r.Downloaded} downloaded)" : "ok") : "FAILED";
}
