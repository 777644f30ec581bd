using System.Globalization;
using Atom.Cli.Calls;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Chat;

/// <summary>
/// When a live stream that dropped is opened again, and how long to wait first: exponential backoff with jitter,
/// so a server coming back is not met by every client at the same instant; back to the first delay once a stream
/// has delivered something again.
/// </summary>
/// <param name="first">The first delay.</param>
/// <param name="max">The longest delay.</param>
/// <param name="limit">How many attempts in a row may fail before <see cref="TryNextDelay"/> gives up.</param>
internal sealed class Reconnection(TimeSpan first, TimeSpan max, int limit = int.MaxValue)
{
    private int _attempt;

    /// <summary>Gets the policy the live streams use: 250 ms doubling up to 10 s, for as long as it takes.</summary>
    public static Reconnection Default => new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

    /// <summary>
    /// Gets the policy of work that must end (an upload, a download, waiting for a file's processing): the same
    /// delays, given up after eight attempts in a row that bring nothing, about a minute.
    /// </summary>
    public static Reconnection Bounded => new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), 8);

    /// <summary>Gets the attempts counted since the last success.</summary>
    public int Attempts => _attempt;

    /// <summary>Gets how many attempts in a row may fail before giving up.</summary>
    public int Limit => limit;

    /// <summary>Gets whether a stream's end is a dropped connection to resume, rather than an answer to report.</summary>
    /// <param name="error">How the stream ended.</param>
    /// <param name="cancelledHere">Whether this process cancelled it (Ctrl+C): then it is never resumed.</param>
    /// <returns>True for UNAVAILABLE, a slow-consumer cut-off (RESOURCE_EXHAUSTED with SUBSCRIBER_TOO_SLOW), and a
    /// cancellation the server made (it does so to open calls when it shuts down).</returns>
    public static bool IsDrop(RpcException error, bool cancelledHere) => error.StatusCode switch
    {
        StatusCode.Unavailable => true,
        StatusCode.ResourceExhausted => error.HasReason(ErrorReason.SubscriberTooSlow),
        StatusCode.Cancelled => !cancelledHere,
        _ => false,
    };

    /// <summary>Gets how long to wait before the next attempt, and counts it.</summary>
    /// <returns>The delay: the first delay doubled per attempt since the last success, at most the longest, less up to a half at random.</returns>
    public TimeSpan NextDelay()
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30));
        _attempt++;
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <summary>Gets how long to wait before the next attempt and counts it, unless <see cref="Limit"/> attempts in a row have failed.</summary>
    /// <param name="delay">The wait, when there is another attempt.</param>
    /// <returns>False when it is time to give up.</returns>
    public bool TryNextDelay(out TimeSpan delay)
    {
        var another = _attempt < limit;
        delay = another ? NextDelay() : TimeSpan.Zero;
        return another;
    }

    /// <summary>Records that a stream works again, so the next drop waits the first delay.</summary>
    public void Succeeded() => _attempt = 0;

    /// <summary>
    /// Describes the attempt <see cref="NextDelay"/> just counted, for stderr: what happened and where the stream
    /// picks up. The first of a run says the connection was lost, the later ones that it is still down.
    /// </summary>
    /// <param name="error">How the stream ended, or null when the server ended it without an error.</param>
    /// <param name="delay">The wait before reconnecting.</param>
    /// <param name="after">The last sequence printed.</param>
    /// <returns>One line.</returns>
    public string Describe(RpcException? error, TimeSpan delay, long after)
    {
        var why = error is null
            ? "the server ended the stream"
            : $"{StatusCodeNames.Of(error.StatusCode)}{(error.HasReason(ErrorReason.SubscriberTooSlow) ? " (SUBSCRIBER_TOO_SLOW)" : string.Empty)}: {error.Status.Detail}";
        var what = _attempt <= 1 ? "connection lost" : "still cannot reconnect";
        return string.Create(CultureInfo.InvariantCulture, $"warning: {what} ({why}); reconnecting in {delay.TotalSeconds:0.0}s, resuming after #{after}");
    }
}
