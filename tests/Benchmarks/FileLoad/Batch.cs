using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.FileLoad;

/// <summary>What a batch of files measured: the time of each file, and what arrived correctly in how long.</summary>
/// <param name="Latency">Per file, nanoseconds, of the files that arrived correctly.</param>
/// <param name="Bytes">Their bytes.</param>
/// <param name="Files">How many.</param>
/// <param name="Seconds">The batch's wall time.</param>
public sealed record BatchFigures(LatencyHistogram Latency, long Bytes, int Files, double Seconds)
{
    /// <summary>Gets MB (10^6 bytes) per second.</summary>
    public double MegabytesPerSecond => Seconds > 0 ? Bytes / 1e6 / Seconds : 0;

    /// <summary>Gets files per second.</summary>
    public double FilesPerSecond => Seconds > 0 ? Files / Seconds : 0;
}

/// <summary>Sends a batch of files with a number of workers, each taking the next file when its last one is answered (closed loop).</summary>
public static class Batch
{
    /// <summary>The largest warm-up file: a few chunks, so the per-chunk code is warm too, without making warm-up as long as the run.</summary>
    public const int WarmupFileBytes = 4_000_000;

    /// <summary>Runs the batch.</summary>
    /// <param name="payloads">The files.</param>
    /// <param name="concurrency">The workers: files in flight at once.</param>
    /// <param name="send">Sends one file by one worker (0-based); true when it arrived correctly.</param>
    /// <returns>The figures.</returns>
    public static async Task<BatchFigures> RunAsync(IReadOnlyList<Payload> payloads, int concurrency, Func<int, Payload, Task<bool>> send)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(send);
        var histograms = new LatencyHistogram[concurrency];
        long bytes = 0;
        var files = 0;
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latency = histograms[worker] = new LatencyHistogram();
            for (var i = Interlocked.Increment(ref next); i < payloads.Count; i = Interlocked.Increment(ref next))
            {
                var sent = Stopwatch.GetTimestamp();
                if (await send(worker, payloads[i]))
                {
                    latency.Record((long)Stopwatch.GetElapsedTime(sent).TotalNanoseconds);
                    Interlocked.Add(ref bytes, payloads[i].Data.Length);
                    Interlocked.Increment(ref files);
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        return new BatchFigures(all, bytes, files, seconds);
    }

    /// <summary>
    /// Makes the files of a run: white-noise WAVs of one size, each different (within the run and from every other run)
    /// so none is stored as another's duplicate.
    /// </summary>
    /// <param name="label">Part of each name.</param>
    /// <param name="count">How many.</param>
    /// <param name="size">Bytes each.</param>
    /// <param name="chunk">Bytes per chunk.</param>
    /// <returns>The files.</returns>
    public static List<Payload> Noise(string label, int count, int size, int chunk)
    {
        var random = new Random();
        return [.. Enumerable.Range(0, count).Select(i => Payload.Noise($"{label}-{i}.wav", size, chunk, random))];
    }

    /// <summary>Fills a result's figures and process readings from a batch and the window that measured it.</summary>
    /// <param name="result">The result with its labels.</param>
    /// <param name="figures">The batch.</param>
    /// <param name="window">The window opened just before the batch.</param>
    /// <returns>The result.</returns>
    public static FileResult With(this FileResult result, BatchFigures figures, ProcessWindow window)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(window);
        return result with
        {
            DurationSeconds = figures.Seconds,
            Bytes = figures.Bytes,
            MegabytesPerSecond = figures.MegabytesPerSecond,
            FilesPerSecond = figures.FilesPerSecond,
            FileLatencyMs = LatencyFigures.From(figures.Latency),
            Process = window.Read(),
        };
    }
}
