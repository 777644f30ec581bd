using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Atom.Benchmarks.LoadTool;

/// <summary>The comparison of two servers over the same scenarios, as written to latest.json.</summary>
/// <param name="GeneratedUtc">When the report was made.</param>
/// <param name="Machine">What it ran on; figures only compare within one machine.</param>
/// <param name="Subject">The server being measured (numerator of the ratios).</param>
/// <param name="Baseline">The reference server (denominator of the ratios).</param>
/// <param name="Rows">One row per scenario.</param>
/// <param name="Runs">Every run the rows came from.</param>
public sealed record ComparisonDocument(
    string GeneratedUtc,
    string Machine,
    string Subject,
    string Baseline,
    IReadOnlyList<ComparisonRow> Rows,
    IReadOnlyList<RunResult> Runs);

/// <summary>One scenario, both servers side by side.</summary>
/// <param name="Scenario">The scenario's label.</param>
/// <param name="Unit">The unit of the rates.</param>
/// <param name="SubjectRate">The subject's rate.</param>
/// <param name="BaselineRate">The baseline's rate.</param>
/// <param name="RateRatio">Subject rate / baseline rate: above 1 means the subject is faster.</param>
/// <param name="SubjectP99Ms">The subject's p99 latency.</param>
/// <param name="BaselineP99Ms">The baseline's p99 latency.</param>
/// <param name="P99Ratio">Subject p99 / baseline p99: below 1 means the subject has lower tail latency.</param>
public sealed record ComparisonRow(
    string Scenario,
    string Unit,
    double? SubjectRate,
    double? BaselineRate,
    double? RateRatio,
    double? SubjectP99Ms,
    double? BaselineP99Ms,
    double? P99Ratio);

/// <summary>Builds the side-by-side table, latest.json and latest.html from results/runs/*.json.</summary>
public static class ComparisonReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report; returns false when a run failed or a server is missing from a scenario.</summary>
    public static bool Write(string runsDirectory, string prefix, string subject, string baseline)
    {
        var runs = Directory.GetFiles(runsDirectory, "*.json")
            .OrderBy(File.GetLastWriteTimeUtc)
            .Select(file => RunResult.FromJson(File.ReadAllText(file)))
            .ToList();
        var scenarios = runs.Select(r => r.Scenario).Distinct().ToList();
        var rows = scenarios.Select(scenario =>
        {
            var a = runs.FirstOrDefault(r => r.Scenario == scenario && r.Server == subject);
            var b = runs.FirstOrDefault(r => r.Scenario == scenario && r.Server == baseline);
            return new ComparisonRow(
                scenario,
                (a ?? b)!.RateUnit,
                a?.Rate,
                b?.Rate,
                Ratio(a?.Rate, b?.Rate),
                a?.LatencyMs.P99,
                b?.LatencyMs.P99,
                Ratio(a?.LatencyMs.P99, b?.LatencyMs.P99));
        }).ToList();

        var document = new ComparisonDocument(DateTime.UtcNow.ToString("u", Inv), Machine(), subject, baseline, rows, runs);
        Console.Write(Table(document));

        var directory = Path.GetDirectoryName(Path.GetFullPath(prefix))!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(prefix + ".json", JsonSerializer.Serialize(document, LoadToolJson.Default.ComparisonDocument));
        File.WriteAllText(prefix + ".html", Html(document));
        Console.WriteLine($"wrote {prefix}.json and {prefix}.html");

        var ok = true;
        foreach (var run in runs.Where(r => !r.Succeeded))
        {
            Console.WriteLine($"FAILED {run.Server} {run.Scenario}: {run.Errors} errors, {run.Calls} correct calls");
            foreach (var (reason, count) in run.ErrorReasons)
            {
                Console.WriteLine($"  x{count}: {reason}");
            }

            ok = false;
        }

        foreach (var row in rows.Where(r => r.SubjectRate is null || r.BaselineRate is null))
        {
            Console.WriteLine($"MISSING a server's run for {row.Scenario}");
            ok = false;
        }

        return ok;
    }

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static string Machine()
    {
        var cpu = "unknown cpu";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return $"{cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    private static string Table(ComparisonDocument document)
    {
        var text = new StringBuilder();
        var (s, b) = (document.Subject, document.Baseline);
        text.AppendLine();
        text.AppendLine(Inv, $"{"scenario",-14} {"unit",-8} {s,12} {b,12} {s + "/" + b,14} {"p50 ms " + s,14} {"p50 ms " + b,14} {"p99 ms " + s,14} {"p99 ms " + b,14}");
        foreach (var row in document.Rows)
        {
            var a = Run(document, s, row.Scenario);
            var z = Run(document, b, row.Scenario);
            text.AppendLine(Inv, $"{row.Scenario,-14} {row.Unit,-8} {F(row.SubjectRate, "N0"),12} {F(row.BaselineRate, "N0"),12} {F(row.RateRatio, "0.00") + "x",14} {F(a?.LatencyMs.P50, "0.000"),14} {F(z?.LatencyMs.P50, "0.000"),14} {F(row.SubjectP99Ms, "0.000"),14} {F(row.BaselineP99Ms, "0.000"),14}");
        }

        text.AppendLine();
        text.AppendLine(Inv, $"{"scenario",-14} {"server",-8} {"errors",8} {"srv cpu %",10} {"srv rss MiB",12} {"srv peak MiB",13} {"client cpu %",13}");
        foreach (var run in document.Runs)
        {
            text.AppendLine(Inv, $"{run.Scenario,-14} {run.Server,-8} {run.Errors,8} {F(run.ServerCpuSeconds / run.DurationSeconds * 100, "0"),10} {F(run.ServerRssMiB, "0.0"),12} {F(run.ServerPeakRssMiB, "0.0"),13} {F(run.ClientCpuSeconds / run.DurationSeconds * 100, "0"),13}");
        }

        text.AppendLine(Inv, $"machine: {document.Machine}");
        return text.ToString();
    }

    private static RunResult? Run(ComparisonDocument document, string server, string scenario) =>
        document.Runs.FirstOrDefault(r => r.Server == server && r.Scenario == scenario);

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, Inv) : "-";

    private static string Html(ComparisonDocument document)
    {
        const int barHeight = 22, rowGap = 18, labelWidth = 90, chartWidth = 520;
        var (s, b) = (document.Subject, document.Baseline);
        var svg = new StringBuilder();
        var y = 10;
        foreach (var row in document.Rows)
        {
            var max = Math.Max(row.SubjectRate ?? 0, row.BaselineRate ?? 0);
            svg.AppendLine(Inv, $"<text x=\"0\" y=\"{y + 14}\" class=\"scenario\">{E(row.Scenario)} ({E(row.Unit)}, {F(row.RateRatio, "0.00")}x)</text>");
            y += 22;
            foreach (var (name, rate, css) in new[] { (s, row.SubjectRate, "subject"), (b, row.BaselineRate, "baseline") })
            {
                var width = max > 0 && rate is { } r ? Math.Max(1, r / max * chartWidth) : 0;
                svg.AppendLine(Inv, $"<text x=\"0\" y=\"{y + 16}\">{E(name)}</text>");
                svg.AppendLine(Inv, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{width:0.0}\" height=\"{barHeight}\" class=\"{css}\"/>");
                svg.AppendLine(Inv, $"<text x=\"{labelWidth + width + 6:0.0}\" y=\"{y + 16}\">{F(rate, "N0")}</text>");
                y += barHeight + 2;
            }

            y += rowGap;
        }

        var table = new StringBuilder();
        foreach (var row in document.Rows)
        {
            table.AppendLine(Inv, $"<tr><td>{E(row.Scenario)}</td><td>{E(row.Unit)}</td><td>{F(row.SubjectRate, "N0")}</td><td>{F(row.BaselineRate, "N0")}</td><td><b>{F(row.RateRatio, "0.00")}x</b></td><td>{F(row.SubjectP99Ms, "0.000")}</td><td>{F(row.BaselineP99Ms, "0.000")}</td><td>{F(row.P99Ratio, "0.00")}x</td></tr>");
        }

        var runs = new StringBuilder();
        foreach (var run in document.Runs)
        {
            runs.AppendLine(Inv, $"<tr><td>{E(run.Scenario)}</td><td>{E(run.Server)}</td><td>{E(run.Tool)}</td><td>{run.Connections}x{run.Concurrency}</td><td>{run.Calls:N0}</td><td>{run.Errors}</td><td>{F(run.LatencyMs.P50, "0.000")}</td><td>{F(run.LatencyMs.P90, "0.000")}</td><td>{F(run.LatencyMs.P99, "0.000")}</td><td>{F(run.ServerCpuSeconds / run.DurationSeconds * 100, "0")}</td><td>{F(run.ServerRssMiB, "0.0")}</td><td>{F(run.ClientCpuSeconds / run.DurationSeconds * 100, "0")}</td></tr>");
        }

        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Atom vs {{E(b)}} gRPC benchmark</title>
            <style>
            body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            td:first-child, th:first-child { text-align: left; }
            svg text { font: 13px system-ui, sans-serif; } .scenario { font-weight: bold; }
            .subject { fill: #3b6fd8; } .baseline { fill: #a0a0a0; } .note { color: #666; }
            </style></head><body>
            <h1>{{E(s)}} vs {{E(b)}}: gRPC throughput</h1>
            <p class="note">{{E(document.GeneratedUtc)}} on {{E(document.Machine)}}. Server on CPU 0, load on CPU 1.
            Absolute figures depend on the machine; compare the ratios.</p>
            <svg xmlns="http://www.w3.org/2000/svg" width="{{labelWidth + chartWidth + 200}}" height="{{y}}">
            {{svg}}</svg>
            <table><tr><th>scenario</th><th>unit</th><th>{{E(s)}}</th><th>{{E(b)}}</th><th>{{E(s)}}/{{E(b)}}</th><th>p99 ms {{E(s)}}</th><th>p99 ms {{E(b)}}</th><th>p99 ratio</th></tr>
            {{table}}</table>
            <table><tr><th>scenario</th><th>server</th><th>tool</th><th>conns x streams</th><th>calls</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>server cpu %</th><th>server rss MiB</th><th>client cpu %</th></tr>
            {{runs}}</table>
            </body></html>
            """;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
