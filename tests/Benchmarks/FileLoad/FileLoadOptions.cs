using System.Globalization;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.FileLoad;

/// <summary>Command-line options of the file load tool (`--name value` pairs and flags).</summary>
public sealed class FileLoadOptions
{
    private static readonly HashSet<string> Flags = ["--json", "--to-disk"];

    private static readonly HashSet<string> Known =
    [
        "--target", "--web-target", "--sink", "--port", "--write-dir", "--token", "--store", "--path", "--content", "--size", "--files", "--concurrency",
        "--chunk", "--in-flight", "--warmup-files", "--ready-timeout", "--server-pid", "--db-pid", "--scenario", "--out", "--runs", "--report", "--machine",
    ];

    private readonly ToolArguments _args;

    private FileLoadOptions(ToolArguments args) => _args = args;

    /// <summary>Gets the command: sink, loopback, upload, ready or report.</summary>
    public string Command => _args.Command;

    /// <summary>Gets the server's native gRPC (HTTP/2) address.</summary>
    public Uri Target => new(_args.Text("--target", "http://127.0.0.1:7400"));

    /// <summary>Gets the server's HTTP/1.1 address, where browsers speak gRPC-Web (the chunks-web path).</summary>
    public Uri? WebTarget => _args.Value("--web-target") is { } web ? new Uri(web) : null;

    /// <summary>Gets the raw TCP sink's address, host:port (loopback).</summary>
    public string Sink => _args.Text("--sink", "127.0.0.1:7499");

    /// <summary>Gets the port the sink listens on; 0 for any free one.</summary>
    public int Port => _args.Int("--port", 0);

    /// <summary>Gets the directory the sink writes each file to (flushed every chunk, then deleted); null to only read them.</summary>
    public string? WriteDirectory => _args.Value("--write-dir");

    /// <summary>Gets whether the loopback run's sink writes to disk (a label: the sink's <c>--write-dir</c> decides).</summary>
    public bool ToDisk => _args.Has("--to-disk");

    /// <summary>Gets the API key every call carries (the bootstrap admin's in files.sh).</summary>
    public string Token => _args.Text("--token", Environment.GetEnvironmentVariable("ATOM_TOKEN") ?? string.Empty);

    /// <summary>Gets the storage provider's label in results (the tool cannot see it).</summary>
    public string Store => _args.Text("--store", "sqlite");

    /// <summary>Gets the upload path: stream (the Upload client stream), chunks-web (the browser's unary calls over gRPC-Web, HTTP/1.1) or chunks-h2 (the same calls over native gRPC).</summary>
    public string Path => _args.Text("--path", "stream") switch
    {
        var p and ("stream" or "chunks-web" or "chunks-h2") => p,
        var other => throw new ArgumentException($"--path must be stream, chunks-web or chunks-h2, not '{other}'"),
    };

    /// <summary>Gets what the ready run uploads: text or pdf.</summary>
    public string Content => _args.Text("--content", "text") switch
    {
        var c and ("text" or "pdf") => c,
        var other => throw new ArgumentException($"--content must be text or pdf, not '{other}'"),
    };

    /// <summary>Gets each file's size in bytes (suffixes KB, MB: powers of 1000; KiB, MiB: of 1024).</summary>
    public int Size => ParseBytes(_args.Text("--size", "1MB"));

    /// <summary>Gets how many files are measured.</summary>
    public int Files => Math.Max(1, _args.Int("--files", 10));

    /// <summary>Gets how many files are uploaded at once, each worker on its own connection.</summary>
    public int Concurrency => Math.Max(1, _args.Int("--concurrency", 1));

    /// <summary>Gets the bytes per chunk message (the server suggests 1 MiB and takes up to 3 MiB).</summary>
    public int Chunk => ParseBytes(_args.Text("--chunk", "1MiB"));

    /// <summary>Gets how many UploadChunk calls one upload keeps in flight (chunks paths).</summary>
    public int InFlight => Math.Max(1, _args.Int("--in-flight", 4));

    /// <summary>Gets the unmeasured files uploaded first (each at most 4 MB), so the measured ones meet warm code.</summary>
    public int WarmupFiles => Math.Max(0, _args.Int("--warmup-files", 2));

    /// <summary>Gets how long a file may take to reach a final state after its upload.</summary>
    public TimeSpan ReadyTimeout => TimeSpan.FromSeconds(_args.Number("--ready-timeout", 120));

    /// <summary>Gets the server process (or, for loopback, the sink) to read CPU and memory from, if any.</summary>
    public int? ServerPid => _args.OptionalInt("--server-pid");

    /// <summary>Gets the database server's main process (PostgreSQL's postmaster), whose CPU and its children's is reported, if any.</summary>
    public int? DbPid => _args.OptionalInt("--db-pid");

    /// <summary>Gets the scenario's label in results.</summary>
    public string Scenario => _args.Text("--scenario", Command);

    /// <summary>Gets a file to also write the JSON result to.</summary>
    public string? OutFile => _args.Value("--out");

    /// <summary>Gets whether to print JSON instead of text.</summary>
    public bool Json => _args.Has("--json");

    /// <summary>Gets the directory of run results (report only).</summary>
    public string RunsDirectory => _args.Text("--runs", "results/files/runs");

    /// <summary>Gets the output path without extension (report only).</summary>
    public string ReportPrefix => _args.Text("--report", "results/files/latest");

    /// <summary>Gets a note on the machine and pinning, printed above the tables (report only).</summary>
    public string Machine => _args.Text("--machine", string.Empty);

    /// <summary>Parses `command --name value ...`; throws <see cref="ArgumentException"/> on bad input.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    public static FileLoadOptions Parse(string[] args) => new(ToolArguments.Parse(args, Known, Flags));

    /// <summary>Reads a size such as 16KB, 50MB, 1MiB or 4096.</summary>
    /// <param name="text">The size.</param>
    /// <returns>Bytes.</returns>
    public static int ParseBytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        (string Suffix, long Factor)[] units = [("KiB", 1024), ("MiB", 1024 * 1024), ("KB", 1000), ("MB", 1000 * 1000), ("B", 1)];
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return checked((int)(long.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor));
            }
        }

        return int.Parse(text, CultureInfo.InvariantCulture);
    }
}
