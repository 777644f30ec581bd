using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Atom.Benchmarks.LoadTool;

/// <summary>
/// Runs nghttp2's h2load against UnaryCall with a prebuilt framed body: an unmeasured warm-up of
/// --warmup-calls calls, then a timed run (or --requests calls). h2load checks only HTTP status, so
/// the run is also checked by its DATA byte count: every correct response carries one response frame.
/// </summary>
public sealed partial class H2LoadRunner(LoadOptions options)
{
    /// <summary>Runs warm-up and measurement and summarizes the measured run.</summary>
    public async Task<RunResult> RunAsync()
    {
        var workload = GrpcWorkload.Unary(options.PayloadSize);
        var scratch = Directory.CreateTempSubdirectory("atom-h2load-");
        try
        {
            var body = Path.Combine(scratch.FullName, "unary.bin");
            await File.WriteAllBytesAsync(body, workload.RequestFrame);
            var url = new Uri(options.Target, workload.Path).ToString();
            string[] common =
            [
                "-c", options.Connections.ToString(CultureInfo.InvariantCulture),
                "-m", options.Concurrency.ToString(CultureInfo.InvariantCulture),
                "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", body,
                // A connection silent this long is given up on, so a hung server ends the run with timeouts.
                "-N", "20s",
            ];

            var errors = new Dictionary<string, long>(StringComparer.Ordinal);
            long errorCount = 0;
            // Warm-up by time by default: V8 warms in seconds, .NET's tiered PGO needs on the order of a million
            // calls, and a fixed call count would be too short for one server and minutes long for the other.
            string[]? warmUp = options.WarmupCalls > 0 ? ["-n", options.WarmupCalls.ToString(CultureInfo.InvariantCulture)]
                : options.Warmup > TimeSpan.Zero ? ["-D", $"{(long)options.Warmup.TotalMilliseconds}ms"]
                : null;
            if (warmUp is not null)
            {
                var warm = await RunH2LoadAsync([.. common, .. warmUp, url]);
                errorCount += Check(Summary.Parse(warm), workload, errors, "warm-up");
            }

            var log = Path.Combine(scratch.FullName, "requests.log");
            string[] amount = options.Requests is { } n
                ? ["-n", n.ToString(CultureInfo.InvariantCulture)]
                : ["-D", $"{(long)options.Duration.TotalMilliseconds}ms"];

            var pid = options.ServerPid;
            var serverCpuBefore = pid is { } p1 ? ProcessProbe.CpuSeconds(p1) : null;
            var clientCpuBefore = ProcessProbe.ReapedChildrenCpuSeconds();
            var output = await RunH2LoadAsync([.. common, .. amount, "--log-file", log, url]);
            var clientCpuAfter = ProcessProbe.ReapedChildrenCpuSeconds();
            var serverCpuAfter = pid is { } p2 ? ProcessProbe.CpuSeconds(p2) : null;

            var summary = Summary.Parse(output);
            errorCount += Check(summary, workload, errors, "run");
            var latency = ReadLatencies(log);
            var correct = Math.Min(summary.Succeeded, summary.DataBytes / FrameBytes(workload));
            return new RunResult
            {
                Server = options.ServerName,
                Scenario = options.Scenario,
                Tool = "h2load",
                Mode = "unary",
                Target = options.Target.ToString(),
                Connections = options.Connections,
                Concurrency = options.Concurrency,
                MessagesPerCall = 1,
                DurationSeconds = summary.Seconds,
                Calls = correct,
                Messages = correct,
                Errors = errorCount,
                ErrorReasons = errors,
                CallsPerSecond = correct / summary.Seconds,
                MessagesPerSecond = correct / summary.Seconds,
                LatencyMs = LatencySummary.From(latency),
                ClientCpuSeconds = clientCpuAfter - clientCpuBefore,
                ServerCpuSeconds = serverCpuAfter - serverCpuBefore,
                ServerRssMiB = pid is { } p3 ? ProcessProbe.RssMiB(p3) : null,
                ServerPeakRssMiB = pid is { } p4 ? ProcessProbe.PeakRssMiB(p4) : null,
            };
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    // Returns the number of failed calls and adds their reasons.
    private static long Check(Summary summary, GrpcWorkload workload, Dictionary<string, long> errors, string phase)
    {
        long failed = summary.Failed + summary.Errored + summary.TimedOut;
        if (failed > 0)
        {
            errors[$"h2load {phase}: failed/errored/timed out"] = failed;
        }

        var not2xx = summary.Done - summary.Status2xx;
        if (not2xx > 0)
        {
            errors[$"h2load {phase}: non-2xx HTTP status"] = not2xx;
            failed = Math.Max(failed, not2xx);
        }

        // A correct response has exactly one framed message; trailers-only errors have none.
        var frameBytes = FrameBytes(workload);
        var missing = summary.Succeeded - (summary.DataBytes / frameBytes);
        if (missing > 0)
        {
            errors[$"h2load {phase}: responses without a {frameBytes}-byte message (gRPC error?)"] = missing;
            failed = Math.Max(failed, missing);
        }

        if (summary.Succeeded == 0)
        {
            errors[$"h2load {phase}: no call succeeded"] = 1;
            failed = Math.Max(failed, 1);
        }

        return failed;
    }

    private static long FrameBytes(GrpcWorkload workload) => GrpcWorkload.PrefixSize + workload.ExpectedMessage.Length;

    // --log-file lines: start time (µs since epoch) TAB HTTP status TAB µs until the response ended.
    private static LatencyHistogram ReadLatencies(string log)
    {
        var histogram = new LatencyHistogram();
        if (!File.Exists(log))
        {
            return histogram;
        }

        foreach (var line in File.ReadLines(log))
        {
            var last = line.LastIndexOf('\t');
            if (last > 0 && long.TryParse(line.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            {
                histogram.Record(micros * 1000);
            }
        }

        return histogram;
    }

    private async Task<string> RunH2LoadAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(options.H2LoadPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("h2load did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"h2load exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    private sealed record Summary(double Seconds, long Done, long Succeeded, long Failed, long Errored, long TimedOut, long Status2xx, long DataBytes)
    {
        public static Summary Parse(string output)
        {
            var finished = Finished().Match(output);
            var requests = Requests().Match(output);
            var statuses = Statuses().Match(output);
            var traffic = Traffic().Match(output);
            if (!finished.Success || !requests.Success || !statuses.Success || !traffic.Success)
            {
                throw new InvalidDataException($"unrecognized h2load output:\n{output}");
            }

            var scale = finished.Groups[2].Value switch { "us" => 1e-6, "ms" => 1e-3, "m" => 60, _ => 1 };
            return new Summary(
                double.Parse(finished.Groups[1].Value, CultureInfo.InvariantCulture) * scale,
                Long(requests, 1),
                Long(requests, 2),
                Long(requests, 3),
                Long(requests, 4),
                Long(requests, 5),
                Long(statuses, 1),
                Long(traffic, 1));
        }

        private static long Long(Match match, int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"finished in ([\d.]+)(us|ms|s|m),")]
    private static partial Regex Finished();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex Requests();

    [GeneratedRegex(@"status codes: (\d+) 2xx")]
    private static partial Regex Statuses();

    [GeneratedRegex(@"\((\d+)\) data")]
    private static partial Regex Traffic();
}
