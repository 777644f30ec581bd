using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.ChatLoad;

/// <summary>The figures and checks of one chat run (fanout, throughput or idle); the unit of results/chat/runs/*.json.</summary>
public sealed record ChatResult : ToolResult
{
    /// <summary>Gets the receiving call: subscribe or converse.</summary>
    public required string Transport { get; init; }

    /// <summary>Gets the number of rooms.</summary>
    public int Rooms { get; init; }

    /// <summary>Gets the receiving streams per room.</summary>
    public int SubscribersPerRoom { get; init; }

    /// <summary>Gets how many receiving streams shared one connection.</summary>
    public int StreamsPerConnection { get; init; }

    /// <summary>Gets the number of concurrent senders (0 for the open-loop sender of fanout).</summary>
    public int Senders { get; init; }

    /// <summary>Gets the target send rate of fanout, messages per second.</summary>
    public double? TargetRate { get; init; }

    /// <summary>Gets the sends acknowledged in the measured phase.</summary>
    public long Sent { get; init; }

    /// <summary>Gets acknowledged sends per second in the measured phase.</summary>
    public double SendsPerSecond { get; init; }

    /// <summary>Gets the SendMessage latency (call to response) of the measured phase.</summary>
    public LatencyFigures? SendLatencyMs { get; init; }

    /// <summary>Gets the (message, subscriber) deliveries of messages sent in the measured phase.</summary>
    public long Deliveries { get; init; }

    /// <summary>Gets those deliveries per second of the measured phase.</summary>
    public double DeliveriesPerSecond { get; init; }

    /// <summary>Gets the send-to-delivery latency over every (message, subscriber) pair of the measured phase.</summary>
    public LatencyFigures? DeliveryLatencyMs { get; init; }

    /// <summary>Gets the seconds from the last acknowledged send until every subscriber had every message.</summary>
    public double? DrainSeconds { get; init; }

    /// <summary>Gets the sequences a subscriber skipped (lost).</summary>
    public long Gaps { get; init; }

    /// <summary>Gets events a subscriber received at or below a sequence it already had (duplicated or out of order).</summary>
    public long Repeats { get; init; }

    /// <summary>Gets delivered messages whose content did not match their request id.</summary>
    public long Mismatches { get; init; }

    /// <summary>Gets the (subscriber, sequence) pairs still missing when the drain timed out.</summary>
    public long Undelivered { get; init; }

    /// <summary>Gets how often the server cut a subscriber off as too slow (each then resumed).</summary>
    public long Cutoffs { get; init; }

    /// <summary>Gets the idle run's memory readings, one per stream count.</summary>
    public List<MemoryStep>? Memory { get; init; }

    /// <summary>Gets the idle run's resident memory per open stream, in KiB.</summary>
    public double? RssKiBPerStream { get; init; }

    /// <summary>Gets the idle run's anonymous resident memory (heaps, stacks) per open stream, in KiB.</summary>
    public double? AnonKiBPerStream { get; init; }

    /// <summary>Gets whether every call was answered correctly and every subscriber saw every event once, in order.</summary>
    [JsonIgnore]
    public override bool Succeeded => Errors.Count == 0 && Gaps == 0 && Repeats == 0 && Mismatches == 0 && Undelivered == 0;

    /// <summary>Serializes to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public override string ToJson() => JsonSerializer.Serialize(this, ChatJson.Default.ChatResult);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The result.</returns>
    public static ChatResult FromJson(string json) =>
        JsonSerializer.Deserialize(json, ChatJson.Default.ChatResult) ?? throw new InvalidDataException("empty result");

    /// <summary>Formats the result for a terminal.</summary>
    /// <returns>The text.</returns>
    public override string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"{Scenario} [{Store}, {Transport}, {Rooms} room(s) x {SubscribersPerRoom} subscriber(s), {StreamsPerConnection} stream(s)/connection, senders {Senders}]");
        if (Kind != "idle")
        {
            text.AppendLine(inv, $"  sends     {SendsPerSecond,10:N0} /s  ({Sent:N0} in {DurationSeconds:F1} s)  latency ms {SendLatencyMs?.ToText() ?? "-"}");
            text.AppendLine(inv, $"  delivery  {DeliveriesPerSecond,10:N0} /s  ({Deliveries:N0})  latency ms {DeliveryLatencyMs?.ToText() ?? "-"}  drain {F(DrainSeconds, "F2")} s");
        }

        foreach (var step in Memory ?? [])
        {
            text.AppendLine(inv, $"  {step.Label,-12} streams {step.Streams,6}  rss {step.RssMiB,8:F1} MiB  anon {step.AnonMiB,8:F1} MiB");
        }

        if (Kind == "idle")
        {
            text.AppendLine(inv, $"  per stream: rss {F(RssKiBPerStream, "F1")} KiB, anon {F(AnonKiBPerStream, "F1")} KiB;  delivery to all ms {DeliveryLatencyMs?.ToText() ?? "-"}");
        }

        text.AppendLine(inv, $"  checks    gaps {Gaps}  repeats {Repeats}  mismatches {Mismatches}  undelivered {Undelivered}  cut-offs {Cutoffs}");
        text.AppendLine((Process ?? new ProcessReadings()).ToText());
        foreach (var (reason, count) in Errors)
        {
            text.AppendLine(inv, $"  ERROR x{count}: {reason}");
        }

        return text.ToString();
    }

    private static string F(double? value, string format) => ProcessReadings.F(value, format);
}

/// <summary>The server's memory with a number of idle streams open.</summary>
/// <param name="Label">What was open: baseline, a stream count, or closed.</param>
/// <param name="Streams">How many streams were open.</param>
/// <param name="RssMiB">VmRSS.</param>
/// <param name="AnonMiB">RssAnon: the heaps, stacks and other private memory in VmRSS.</param>
public sealed record MemoryStep(string Label, int Streams, double RssMiB, double AnonMiB);

/// <summary>Source-generated JSON metadata for the tool's files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatResult))]
[JsonSerializable(typeof(ChatReportDocument))]
internal sealed partial class ChatJson : JsonSerializerContext;
