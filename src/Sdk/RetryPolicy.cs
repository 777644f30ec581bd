namespace Atom.Sdk;

/// <summary>
/// How idempotent unary calls are retried after UNAVAILABLE: up to <see cref="MaxAttempts"/> attempts in all, waiting a random
/// time between zero and the current backoff before each retry (exponential backoff with full jitter). A retry never waits past
/// the call's deadline, and a call whose server already sent response headers is never retried.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>The default policy: 4 attempts, 100 ms initial backoff, 2 s maximum backoff, multiplier 2.</summary>
    public static readonly RetryPolicy Default = new();

    /// <summary>A policy that never retries.</summary>
    public static readonly RetryPolicy None = new() { MaxAttempts = 1 };

    /// <summary>Gets the most attempts made, the first included (default 4); 1 turns retries off.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Gets the backoff before the first retry (default 100 ms).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the largest backoff (default 2 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the factor the backoff grows by after each retry (default 2).</summary>
    public double BackoffMultiplier { get; init; } = 2;

    /// <summary>Gets the status codes that are retried (default: UNAVAILABLE only).</summary>
    public IReadOnlySet<StatusCode> RetryableStatusCodes { get; init; } = new HashSet<StatusCode> { StatusCode.Unavailable };

    internal bool Enabled => MaxAttempts > 1;

    /// <summary>The backoff after <paramref name="retries"/> retries already made, before jitter.</summary>
    internal TimeSpan Backoff(int retries)
    {
        var ticks = InitialBackoff.Ticks * Math.Pow(BackoffMultiplier, retries);
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxBackoff.Ticks));
    }
}
