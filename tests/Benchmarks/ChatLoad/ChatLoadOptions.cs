using System.Globalization;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>Command-line options of the chat load tool (`--name value` pairs and flags).</summary>
public sealed class ChatLoadOptions
{
    private static readonly HashSet<string> Flags = ["--json"];

    private static readonly HashSet<string> Known =
    [
        "--target", "--token", "--store", "--transport", "--subscribers", "--rooms", "--senders", "--rate", "--duration",
        "--warmup", "--streams-per-connection", "--text-bytes", "--server-pid", "--db-pid", "--scenario", "--out", "--steps", "--settle",
        "--drain-timeout", "--runs", "--report", "--machine",
    ];

    private readonly ToolArguments _args;

    private ChatLoadOptions(ToolArguments args) => _args = args;

    /// <summary>Gets the command: fanout, throughput, idle or report.</summary>
    public string Command => _args.Command;

    /// <summary>Gets the server's native gRPC address.</summary>
    public Uri Target => new(Text("--target", "http://127.0.0.1:7400"));

    /// <summary>Gets the API key or access token every call carries (the bootstrap admin's in chat.sh).</summary>
    public string Token => Text("--token", Environment.GetEnvironmentVariable("ATOM_TOKEN") ?? string.Empty);

    /// <summary>Gets the storage provider's label in results (the tool cannot see it).</summary>
    public string Store => Text("--store", "sqlite");

    /// <summary>Gets the receiving call: <c>subscribe</c> (server stream) or <c>converse</c> (bidi stream, join event).</summary>
    public string Transport => Text("--transport", "subscribe") switch
    {
        "subscribe" => "subscribe",
        "converse" => "converse",
        var other => throw new ArgumentException($"--transport must be subscribe or converse, not '{other}'"),
    };

    /// <summary>Gets the receiving streams per room.</summary>
    public int Subscribers => Int("--subscribers", 1);

    /// <summary>Gets the number of rooms (throughput).</summary>
    public int Rooms => Int("--rooms", 1);

    /// <summary>Gets the number of concurrent senders, each with its own connection (throughput).</summary>
    public int Senders => Int("--senders", 8);

    /// <summary>Gets the send rate of the open-loop sender (fanout), messages per second.</summary>
    public double Rate => Number("--rate", 50);

    /// <summary>Gets the measured duration.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Number("--duration", 10));

    /// <summary>Gets the unmeasured warm-up duration (throughput; fanout and idle warm up with a fixed few messages).</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Number("--warmup", 3));

    /// <summary>Gets how many receiving streams share one HTTP/2 connection; 1 means one client connection each.</summary>
    public int StreamsPerConnection => Math.Max(1, Int("--streams-per-connection", 1));

    /// <summary>Gets the size of each message text in bytes (at least the stamp's).</summary>
    public int TextBytes => Int("--text-bytes", 100);

    /// <summary>Gets the server process to read CPU and memory from, if any.</summary>
    public int? ServerPid => _args.OptionalInt("--server-pid");

    /// <summary>Gets the database server's main process (PostgreSQL's postmaster), whose CPU and its children's is reported, if any.</summary>
    public int? DbPid => _args.OptionalInt("--db-pid");

    /// <summary>Gets the scenario's label in results.</summary>
    public string Scenario => Text("--scenario", Command);

    /// <summary>Gets a file to also write the JSON result to.</summary>
    public string? OutFile => _args.Value("--out");

    /// <summary>Gets whether to print JSON instead of text.</summary>
    public bool Json => _args.Has("--json");

    /// <summary>Gets the stream counts the idle run measures at, ascending (0 is always measured first).</summary>
    public IReadOnlyList<int> Steps => [.. Text("--steps", "500,1000,2000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(n => n > 0).Order()];

    /// <summary>Gets how long the idle run lets the server settle before each memory reading.</summary>
    public TimeSpan Settle => TimeSpan.FromSeconds(Number("--settle", 3));

    /// <summary>Gets how long, after the last send, every subscriber may take to receive everything before what is missing counts as lost.</summary>
    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(Number("--drain-timeout", 60));

    /// <summary>Gets the directory of run results (report only).</summary>
    public string RunsDirectory => Text("--runs", "results/chat/runs");

    /// <summary>Gets the output path without extension (report only).</summary>
    public string ReportPrefix => Text("--report", "results/chat/latest");

    /// <summary>Gets a note on the machine and pinning, printed above the tables (report only).</summary>
    public string Machine => Text("--machine", string.Empty);

    /// <summary>Parses `command --name value ...`; throws <see cref="ArgumentException"/> on bad input.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    public static ChatLoadOptions Parse(string[] args) => new(ToolArguments.Parse(args, Known, Flags));

    private string Text(string name, string fallback) => _args.Text(name, fallback);

    private int Int(string name, int fallback) => _args.Int(name, fallback);

    private double Number(string name, double fallback) => _args.Number(name, fallback);
}
