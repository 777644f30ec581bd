using System.Numerics;

namespace Atom.Benchmarks.LoadTool;

/// <summary>
/// Log-linear histogram of nanosecond values: exact below 128, then 64 buckets per power of two,
/// so any reported value is within 1/64 of a recorded one. Not thread-safe: one per worker, merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearLimit = 128;
    private const int HalfLinear = LinearLimit / 2;
    private const int BucketCount = LinearLimit + (63 - 7) * HalfLinear;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Gets the number of recorded values.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the largest recorded value.</summary>
    public long Max { get; private set; }

    /// <summary>Gets the sum of the recorded values.</summary>
    public double Sum { get; private set; }

    /// <summary>Records one value in nanoseconds; negative values count as zero.</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        _counts[IndexOf(value)]++;
        Count++;
        Sum += value;
        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>Gets the value at <paramref name="percentile"/> (0..100), in nanoseconds; 0 when empty.</summary>
    public long ValueAt(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(Max, MidpointOf(i));
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - 6;
        var top = (int)(value >> shift);
        return LinearLimit + ((shift - 1) * HalfLinear) + (top - HalfLinear);
    }

    private static long MidpointOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var shift = ((index - LinearLimit) / HalfLinear) + 1;
        var top = ((index - LinearLimit) % HalfLinear) + HalfLinear;
        var low = (long)top << shift;
        return low + ((1L << shift) / 2);
    }
}
