using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Atom.Benchmarks.LoadTool;

/// <summary>The figures of one measured run against one server; the unit of results/runs/*.json.</summary>
public sealed record RunResult
{
    /// <summary>Gets the server's label, e.g. "atom" or "grpc-js".</summary>
    public required string Server { get; init; }

    /// <summary>Gets the scenario's label, e.g. "h2load-unary", "unary", "stream".</summary>
    public required string Scenario { get; init; }

    /// <summary>Gets the load generator: "loadtool" or "h2load".</summary>
    public required string Tool { get; init; }

    /// <summary>Gets the call kind: "unary" or "stream".</summary>
    public required string Mode { get; init; }

    /// <summary>Gets the server's base URL.</summary>
    public required string Target { get; init; }

    /// <summary>Gets the number of TCP connections.</summary>
    public int Connections { get; init; }

    /// <summary>Gets the number of calls in flight per connection.</summary>
    public int Concurrency { get; init; }

    /// <summary>Gets the response messages per call (1 for unary).</summary>
    public int MessagesPerCall { get; init; }

    /// <summary>Gets the length of the measured phase in seconds, including the tail of calls in flight at its end.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Gets the number of correct calls in the measured phase.</summary>
    public long Calls { get; init; }

    /// <summary>Gets the number of response messages of correct calls.</summary>
    public long Messages { get; init; }

    /// <summary>Gets the number of failed calls (any reason), warm-up included.</summary>
    public long Errors { get; init; }

    /// <summary>Gets failure reasons and their counts.</summary>
    public Dictionary<string, long> ErrorReasons { get; init; } = [];

    /// <summary>Gets correct calls per second.</summary>
    public double CallsPerSecond { get; init; }

    /// <summary>Gets correct response messages per second.</summary>
    public double MessagesPerSecond { get; init; }

    /// <summary>Gets the call latency percentiles in milliseconds (a whole stream for stream calls).</summary>
    public required LatencySummary LatencyMs { get; init; }

    /// <summary>Gets the load generator's CPU seconds in the measured phase.</summary>
    public double? ClientCpuSeconds { get; init; }

    /// <summary>Gets the server's CPU seconds in the measured phase.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>Gets the server's resident memory at the end of the measured phase, in MiB.</summary>
    public double? ServerRssMiB { get; init; }

    /// <summary>Gets the server's peak resident memory since it started, in MiB.</summary>
    public double? ServerPeakRssMiB { get; init; }

    /// <summary>Gets the headline rate: messages/s for streams, calls/s otherwise.</summary>
    [JsonIgnore]
    public double Rate => Mode == "stream" ? MessagesPerSecond : CallsPerSecond;

    /// <summary>Gets the unit of <see cref="Rate"/>.</summary>
    [JsonIgnore]
    public string RateUnit => Mode == "stream" ? "msgs/s" : "calls/s";

    /// <summary>Gets whether every call of the run was correct and there was at least one.</summary>
    [JsonIgnore]
    public bool Succeeded => Errors == 0 && Calls > 0;

    /// <summary>Serializes to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, LoadToolJson.Default.RunResult);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    public static RunResult FromJson(string json) =>
        JsonSerializer.Deserialize(json, LoadToolJson.Default.RunResult) ?? throw new InvalidDataException("empty result");

    /// <summary>Formats the result for a terminal.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{Server} {Scenario} ({Tool}, {Connections} connections x {Concurrency} streams) -> {Target}");
        text.AppendLine(inv, $"  {Rate,12:N0} {RateUnit}   calls {Calls:N0} in {DurationSeconds:F2} s, errors {Errors}");
        text.AppendLine(inv, $"  latency ms  p50 {LatencyMs.P50:F3}  p90 {LatencyMs.P90:F3}  p99 {LatencyMs.P99:F3}  max {LatencyMs.Max:F3}");
        text.AppendLine(inv, $"  cpu s  client {F(ClientCpuSeconds, "F2")}  server {F(ServerCpuSeconds, "F2")}   server rss MiB {F(ServerRssMiB, "F1")} (peak {F(ServerPeakRssMiB, "F1")})");
        foreach (var (reason, count) in ErrorReasons)
        {
            text.AppendLine(inv, $"  error x{count}: {reason}");
        }

        return text.ToString();
    }

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>Summarizes a nanosecond histogram.</summary>
    public static LatencySummary From(LatencyHistogram histogram) => new(
        histogram.ValueAt(50) / 1e6,
        histogram.ValueAt(90) / 1e6,
        histogram.ValueAt(99) / 1e6,
        histogram.Max / 1e6,
        histogram.Count == 0 ? 0 : histogram.Sum / histogram.Count / 1e6);
}

/// <summary>Source-generated JSON metadata for the tool's files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(ComparisonDocument))]
internal sealed partial class LoadToolJson : JsonSerializerContext;
