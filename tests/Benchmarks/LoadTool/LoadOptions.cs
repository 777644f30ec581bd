using System.Globalization;

namespace Atom.Benchmarks.LoadTool;

/// <summary>Command-line options shared by the tool's commands (`--name value` pairs and flags).</summary>
public sealed class LoadOptions
{
    private static readonly HashSet<string> Flags = ["--json"];

    private static readonly HashSet<string> Known =
    [
        "--target", "--connections", "--concurrency", "--duration", "--warmup", "--payload", "--stream-messages",
        "--server-pid", "--server-name", "--scenario", "--out", "--warmup-calls", "--requests", "--h2load", "--runs", "--report",
        "--subject", "--baseline",
    ];

    private readonly Dictionary<string, string> _values;

    private LoadOptions(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    /// <summary>Gets the command: unary, stream, h2load, body or report.</summary>
    public string Command { get; }

    /// <summary>Gets the server's base URL.</summary>
    public Uri Target => new(Text("--target", "http://127.0.0.1:50051"));

    /// <summary>Gets the number of TCP connections.</summary>
    public int Connections => Int("--connections", 8);

    /// <summary>Gets the number of calls in flight per connection.</summary>
    public int Concurrency => Int("--concurrency", 16);

    /// <summary>Gets the measured duration.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Number("--duration", 10));

    /// <summary>Gets the unmeasured warm-up duration.</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Number("--warmup", 5));

    /// <summary>Gets the request and response payload size in bytes.</summary>
    public int PayloadSize => Int("--payload", 100);

    /// <summary>Gets the response messages per streaming call.</summary>
    public int StreamMessages => Int("--stream-messages", 1000);

    /// <summary>Gets whether to print JSON instead of text.</summary>
    public bool Json => _values.ContainsKey("--json");

    /// <summary>Gets the server process to read CPU and memory from, if any.</summary>
    public int? ServerPid => _values.TryGetValue("--server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null;

    /// <summary>Gets the server's label in results.</summary>
    public string ServerName => Text("--server-name", Target.Authority);

    /// <summary>Gets the scenario's label in results.</summary>
    public string Scenario => Text("--scenario", Command);

    /// <summary>Gets a file to also write the JSON result to.</summary>
    public string? OutFile => _values.GetValueOrDefault("--out");

    /// <summary>Gets the number of h2load warm-up calls (h2load only).</summary>
    public long WarmupCalls => long.Parse(Text("--warmup-calls", "0"), CultureInfo.InvariantCulture);

    /// <summary>Gets a fixed number of h2load calls instead of a timed run (h2load only).</summary>
    public long? Requests => _values.TryGetValue("--requests", out var n) ? long.Parse(n, CultureInfo.InvariantCulture) : null;

    /// <summary>Gets the h2load executable.</summary>
    public string H2LoadPath => Text("--h2load", "h2load");

    /// <summary>Gets the directory of run results (report only).</summary>
    public string RunsDirectory => Text("--runs", "results/runs");

    /// <summary>Gets the output path without extension (report only).</summary>
    public string ReportPrefix => Text("--report", "results/latest");

    /// <summary>Gets the measured server's label (report only).</summary>
    public string Subject => Text("--subject", "atom");

    /// <summary>Gets the reference server's label (report only).</summary>
    public string Baseline => Text("--baseline", "grpc-js");

    /// <summary>Parses `command --name value ...`; throws <see cref="ArgumentException"/> on bad input.</summary>
    public static LoadOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("missing command");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{name}'");
            }

            if (!Known.Contains(name) && !Flags.Contains(name))
            {
                throw new ArgumentException($"unknown option '{name}'");
            }

            if (Flags.Contains(name))
            {
                values[name] = "true";
            }
            else if (i + 1 < args.Length)
            {
                values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"{name} needs a value");
            }
        }

        return new LoadOptions(args[0], values);
    }

    private string Text(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    private int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private double Number(string name, double fallback) =>
        _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
