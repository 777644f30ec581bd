using System.Globalization;
using Atom.Benchmarks.LoadTool;

namespace Atom.Benchmarks.Shared;

/// <summary>Latency percentiles in milliseconds.</summary>
/// <param name="Count">How many values.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The largest.</param>
/// <param name="Mean">The mean.</param>
public sealed record LatencyFigures(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>Summarizes a nanosecond histogram; null when it is empty.</summary>
    /// <param name="histogram">The histogram.</param>
    /// <returns>The figures.</returns>
    public static LatencyFigures? From(LatencyHistogram histogram) => histogram.Count == 0 ? null : new(
        histogram.Count,
        histogram.ValueAt(50) / 1e6,
        histogram.ValueAt(90) / 1e6,
        histogram.ValueAt(99) / 1e6,
        histogram.Max / 1e6,
        histogram.Sum / histogram.Count / 1e6);

    /// <summary>Formats p50/p99/max.</summary>
    /// <returns>The text.</returns>
    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50:F2}  p99 {P99:F2}  max {Max:F2}");
}
