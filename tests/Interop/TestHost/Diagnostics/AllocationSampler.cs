using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Atom.Interop.TestHost.Diagnostics;

/// <summary>
/// A sampling allocation profiler inside the process: the runtime raises GCAllocationTick about every
/// 100 KB allocated, naming the type that crossed the mark, so counts per type show where the bytes go.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new();

    /// <summary>Gets the sampled bytes per type, largest first.</summary>
    public IEnumerable<KeyValuePair<string, long>> Top(int count) => _bytesByType.OrderByDescending(p => p.Value).Take(count);

    /// <summary>Forgets the samples so far.</summary>
    public void Reset() => _bytesByType.Clear();

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var typeName = eventData.PayloadNames?.IndexOf("TypeName") is int i and >= 0 ? eventData.Payload[i] as string ?? "?" : "?";
        var amount = eventData.PayloadNames?.IndexOf("AllocationAmount64") is int j and >= 0 ? Convert.ToInt64(eventData.Payload[j], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytesByType.AddOrUpdate(typeName, amount, (_, total) => total + amount);
    }
}
