using System.Collections.Concurrent;

namespace Atom.Benchmarks.FileLoad;

/// <summary>Failed calls and broken checks of a run, counted by reason; any one fails the run.</summary>
public sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts a failure.</summary>
    /// <param name="reason">Why.</param>
    public void Add(string reason) => _counts.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Gets the counts so far.</summary>
    /// <returns>Reason to count.</returns>
    public Dictionary<string, long> ToDictionary() => new(_counts, StringComparer.Ordinal);
}
