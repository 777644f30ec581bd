using System.Diagnostics;
using Atom.Benchmarks.LoadTool;
using Atom.Benchmarks.Shared;
using Atom.V1;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// Upload to "searchable": one small file at a time (a text note or a one-page PDF, each with a word of its own),
/// from the start of its upload until WatchFile reports it READY with extracted text, the point from which search can
/// index it. Each file's text is then read back (GetFile, full view) and must hold its word.
/// </summary>
public static class ReadyRun
{
    /// <summary>Runs it.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static async Task<FileResult> RunAsync(FileLoadOptions options)
    {
        using var target = new FileTarget(options);
        var files = target.NewClient("stream");
        var content = options.Content;
        var make = (string label, int i) =>
        {
            var marker = $"atombench{target.RunTag}{label}{i}";
            return content == "pdf" ? Payload.Pdf($"{label}-{i}.pdf", marker) : Payload.Text($"{label}-{i}.txt", marker);
        };

        var ids = new List<string>();
        for (var i = 0; i < options.WarmupFiles; i++)
        {
            await OneAsync(target, files, make("warmup", i), null, null, null, ids);
        }

        var upload = new LatencyHistogram();
        var ready = new LatencyHistogram();
        var processing = new LatencyHistogram();
        var window = new ProcessWindow(options.ServerPid, options.DbPid);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Files; i++)
        {
            await OneAsync(target, files, make("ready", i), upload, ready, processing, ids);
        }

        var figures = new BatchFigures(upload, 0, (int)ready.Count, Stopwatch.GetElapsedTime(start).TotalSeconds);
        var bytes = make("size", 0).Data.Length;
        var result = (FileResult.Labels(options, "ready", content) with { FileBytes = bytes, Concurrency = 1, ChunkBytes = bytes }).With(figures, window) with
        {
            ReadyLatencyMs = LatencyFigures.From(ready),
            ProcessingLatencyMs = LatencyFigures.From(processing),
        };

        await target.DeleteAsync(ids);
        return result with { Errors = target.Errors.ToDictionary() };
    }

    private static async Task OneAsync(FileTarget target, FileServiceClient files, Payload payload, LatencyHistogram? upload, LatencyHistogram? ready, LatencyHistogram? processing, List<string> ids)
    {
        var started = Stopwatch.GetTimestamp();
        if (await target.UploadAsync(files, "stream", payload) is not { } stored)
        {
            return;
        }

        var uploaded = Stopwatch.GetTimestamp();
        ids.Add(stored.Id);
        if (await target.WatchAsync(files, stored.Id, needText: true) is null)
        {
            return;
        }

        var done = Stopwatch.GetTimestamp();
        upload?.Record((long)Stopwatch.GetElapsedTime(started, uploaded).TotalNanoseconds);
        ready?.Record((long)Stopwatch.GetElapsedTime(started, done).TotalNanoseconds);
        processing?.Record((long)Stopwatch.GetElapsedTime(uploaded, done).TotalNanoseconds);

        var text = (await files.GetFileAsync(new GetFileRequest { FileId = stored.Id, View = FileView.Full })).File.Text;
        if (!text.Contains(payload.Marker, StringComparison.Ordinal))
        {
            target.Errors.Add($"the extracted text of a {payload.MediaType} file does not hold its word ({text.Length} characters)");
        }
    }
}
