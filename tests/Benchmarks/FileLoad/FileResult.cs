using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.FileLoad;

/// <summary>
/// The figures and checks of one file run; the unit of results/files/runs/*.json. Its kind is loopback, upload or
/// ready; a raw copy stores nothing, so its store is "-".
/// </summary>
public sealed record FileResult : ToolResult
{
    /// <summary>Gets how the bytes went: loopback (raw TCP), stream, chunks-web or chunks-h2; for ready runs, the content (text or pdf).</summary>
    public required string Path { get; init; }

    /// <summary>Gets the number of measured files.</summary>
    public int Files { get; init; }

    /// <summary>Gets each file's size in bytes.</summary>
    public long FileBytes { get; init; }

    /// <summary>Gets how many files were in flight at once.</summary>
    public int Concurrency { get; init; }

    /// <summary>Gets the bytes per chunk message.</summary>
    public int ChunkBytes { get; init; }

    /// <summary>Gets how many chunk calls one upload kept in flight (chunks paths).</summary>
    public int? InFlight { get; init; }

    /// <summary>Gets the bytes of the files that arrived correctly in the measured phase.</summary>
    public long Bytes { get; init; }

    /// <summary>Gets those bytes per second, in MB (10^6 bytes).</summary>
    public double MegabytesPerSecond { get; init; }

    /// <summary>Gets the files that arrived correctly per second.</summary>
    public double FilesPerSecond { get; init; }

    /// <summary>Gets the time of one file, from its first byte sent to the server's answer (the stored file, or the sink's count).</summary>
    public LatencyFigures? FileLatencyMs { get; init; }

    /// <summary>Gets the seconds from the last answered upload until every file of the run was READY (processing: type, virus scan, reading).</summary>
    public double? ReadySeconds { get; init; }

    /// <summary>Gets, for ready runs, the time from the start of an upload until WatchFile reported it READY with text.</summary>
    public LatencyFigures? ReadyLatencyMs { get; init; }

    /// <summary>Gets, for ready runs, the time from the upload's answer until WatchFile reported it READY.</summary>
    public LatencyFigures? ProcessingLatencyMs { get; init; }

    /// <summary>Gets how many files were downloaded back and compared byte for byte.</summary>
    public int Downloaded { get; init; }

    /// <summary>Starts a result with a run's labels as the options give them.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="kind">loopback, upload or ready.</param>
    /// <param name="path">How the bytes went (see <see cref="Path"/>).</param>
    /// <returns>The result, without figures.</returns>
    public static FileResult Labels(FileLoadOptions options, string kind, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FileResult
        {
            Kind = kind,
            Scenario = options.Scenario,
            Store = kind == "loopback" ? "-" : options.Store,
            Path = path,
            Files = options.Files,
            FileBytes = options.Size,
            Concurrency = options.Concurrency,
            ChunkBytes = options.Chunk,
        };
    }

    /// <summary>Serializes to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public override string ToJson() => JsonSerializer.Serialize(this, FileJson.Default.FileResult);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The result.</returns>
    public static FileResult FromJson(string json) =>
        JsonSerializer.Deserialize(json, FileJson.Default.FileResult) ?? throw new InvalidDataException("empty result");

    /// <summary>Formats the result for a terminal.</summary>
    /// <returns>The text.</returns>
    public override string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"{Scenario} [{Store}, {Path}, {Files} x {FileBytes:N0} bytes, concurrency {Concurrency}, chunk {ChunkBytes:N0}{(InFlight is { } k ? $", {k} in flight" : string.Empty)}]");
        if (Kind == "ready")
        {
            text.AppendLine(inv, $"  upload    ms {FileLatencyMs?.ToText() ?? "-"}");
            text.AppendLine(inv, $"  ready     ms {ReadyLatencyMs?.ToText() ?? "-"}   (processing ms {ProcessingLatencyMs?.ToText() ?? "-"})");
        }
        else
        {
            text.AppendLine(inv, $"  {MegabytesPerSecond,10:F1} MB/s  {FilesPerSecond,8:F1} files/s  ({Bytes:N0} bytes in {DurationSeconds:F2} s)  per file ms {FileLatencyMs?.ToText() ?? "-"}");
            text.AppendLine(inv, $"  all ready {F(ReadySeconds, "F2")} s after the last upload;  downloaded and compared {Downloaded}");
        }

        text.AppendLine((Process ?? new ProcessReadings()).ToText());
        foreach (var (reason, count) in Errors)
        {
            text.AppendLine(inv, $"  ERROR x{count}: {reason}");
        }

        return text.ToString();
    }

    private static string F(double? value, string format) => ProcessReadings.F(value, format);
}

/// <summary>Every file run of a benchmark, with the machine it ran on: results/files/latest.json.</summary>
/// <param name="Machine">The machine and pinning.</param>
/// <param name="Runs">The runs, in the order they ran.</param>
public sealed record FileReportDocument(string Machine, List<FileResult> Runs);

/// <summary>Source-generated JSON metadata for the tool's files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FileResult))]
[JsonSerializable(typeof(FileReportDocument))]
internal sealed partial class FileJson : JsonSerializerContext;
