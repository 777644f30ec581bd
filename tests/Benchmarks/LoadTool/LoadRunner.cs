using System.Diagnostics;

namespace Atom.Benchmarks.LoadTool;

/// <summary>
/// Drives one workload over N separate HTTP/2 connections with M calls in flight on each:
/// a warm-up phase (not measured), then the measured phase.
/// </summary>
public sealed class LoadRunner(LoadOptions options, GrpcWorkload workload)
{
    // A call still running this long after its phase ended counts as failed, so a hung server ends the run.
    private static readonly TimeSpan HardLimitSlack = TimeSpan.FromSeconds(20);

    /// <summary>Runs warm-up and measurement and summarizes the measured phase.</summary>
    public async Task<RunResult> RunAsync()
    {
        var invokers = Enumerable.Range(0, options.Connections).Select(_ => new HttpMessageInvoker(CreateHandler())).ToArray();
        try
        {
            var uri = new Uri(options.Target, workload.Path);

            // The warm-up also opens every connection; with no warm-up, one call per connection does.
            var warmup = options.Warmup > TimeSpan.Zero
                ? await RunPhaseAsync(invokers, uri, options.Warmup)
                : await Task.WhenAll(invokers.Select(async invoker =>
                {
                    var worker = new CallWorker(invoker, uri, workload);
                    await worker.RunAsync(0, CancellationToken.None);
                    return worker;
                }));

            var pid = options.ServerPid;
            var serverCpuBefore = pid is { } p1 ? ProcessProbe.CpuSeconds(p1) : null;
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();

            var measured = await RunPhaseAsync(invokers, uri, options.Duration);

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalSeconds;
            var serverCpuAfter = pid is { } p2 ? ProcessProbe.CpuSeconds(p2) : null;

            var latency = new LatencyHistogram();
            var errors = new Dictionary<string, long>(StringComparer.Ordinal);
            long calls = 0, messages = 0, errorCount = 0;
            foreach (var worker in measured.Concat(warmup))
            {
                errorCount += worker.ErrorCount;
                foreach (var (reason, count) in worker.Errors)
                {
                    errors[reason] = errors.GetValueOrDefault(reason) + count;
                }
            }

            foreach (var worker in measured)
            {
                latency.Add(worker.Latency);
                calls += worker.Calls;
                messages += worker.Messages;
            }

            return new RunResult
            {
                Server = options.ServerName,
                Scenario = options.Scenario,
                Tool = "loadtool",
                Mode = options.Command,
                Target = options.Target.ToString(),
                Connections = options.Connections,
                Concurrency = options.Concurrency,
                MessagesPerCall = workload.MessagesPerCall,
                DurationSeconds = elapsed,
                Calls = calls,
                Messages = messages,
                Errors = errorCount,
                ErrorReasons = errors,
                CallsPerSecond = calls / elapsed,
                MessagesPerSecond = messages / elapsed,
                LatencyMs = LatencySummary.From(latency),
                ClientCpuSeconds = clientCpu,
                ServerCpuSeconds = serverCpuAfter - serverCpuBefore,
                ServerRssMiB = pid is { } p3 ? ProcessProbe.RssMiB(p3) : null,
                ServerPeakRssMiB = pid is { } p4 ? ProcessProbe.PeakRssMiB(p4) : null,
            };
        }
        finally
        {
            foreach (var invoker in invokers)
            {
                invoker.Dispose();
            }
        }
    }

    private async Task<CallWorker[]> RunPhaseAsync(HttpMessageInvoker[] invokers, Uri uri, TimeSpan duration)
    {
        using var hardLimit = new CancellationTokenSource(duration + HardLimitSlack);
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = invokers
            .SelectMany(invoker => Enumerable.Range(0, options.Concurrency).Select(_ => new CallWorker(invoker, uri, workload)))
            .ToArray();
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(stopAt, hardLimit.Token))));
        return workers;
    }

    // One handler per connection: EnableMultipleHttp2Connections=false keeps it to exactly one TCP connection.
    private static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}
