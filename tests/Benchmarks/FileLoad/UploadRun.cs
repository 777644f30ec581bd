using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// Upload throughput of one path: N files of one size, C at a time (each worker on its own connection), through the
/// SDK. The measured phase ends when the last upload is answered; then (unmeasured) every file is watched until it is
/// READY, a sample is downloaded and compared byte for byte, and the files are deleted.
/// </summary>
public static class UploadRun
{
    /// <summary>Runs it.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<FileResult> RunAsync(FileLoadOptions options)
    {
        using var target = new FileTarget(options);
        var path = options.Path;
        var clients = Enumerable.Range(0, options.Concurrency).Select(_ => target.NewClient(path)).ToArray();
        var stored = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // payload name to file id
        var send = async (int worker, Payload payload) =>
        {
            if (await target.UploadAsync(clients[worker], path, payload) is not { } file)
            {
                return false;
            }

            stored[payload.Name] = file.Id;
            return true;
        };

        var tag = $"{path}-{target.RunTag}";
        await Batch.RunAsync(Batch.Noise($"warmup-{tag}", options.WarmupFiles, Math.Min(options.Size, Batch.WarmupFileBytes), options.Chunk), 1, send);
        await target.WaitUntilProcessedAsync(stored.Values, needText: false);

        var payloads = Batch.Noise(tag, options.Files, options.Size, options.Chunk);
        var window = new ProcessWindow(options.ServerPid, options.DbPid);
        var figures = await Batch.RunAsync(payloads, options.Concurrency, send);
        var result = (FileResult.Labels(options, "upload", path) with { InFlight = path == "stream" ? null : options.InFlight }).With(figures, window);

        var processing = Stopwatch.GetTimestamp();
        var ready = await target.WaitUntilProcessedAsync(payloads.Where(p => stored.ContainsKey(p.Name)).Select(p => stored[p.Name]), needText: false);
        var readySeconds = Stopwatch.GetElapsedTime(processing).TotalSeconds;

        // A sample comes back: the first and the last file of the batch.
        var downloaded = 0;
        foreach (var payload in new[] { payloads[0], payloads[^1] }.Distinct())
        {
            if (stored.TryGetValue(payload.Name, out var id) && ready.ContainsKey(id) && await target.DownloadMatchesAsync(id, payload))
            {
                downloaded++;
            }
        }

        await target.DeleteAsync(stored.Values);
        return result with { ReadySeconds = readySeconds, Downloaded = downloaded, Errors = target.Errors.ToDictionary() };
    }
}
