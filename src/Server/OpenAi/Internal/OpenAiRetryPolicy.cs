using System.ClientModel.Primitives;
using System.Globalization;

namespace Atom.Server.OpenAi.Internal;

/// <summary>
/// System.ClientModel's retry policy (it retries 408, 429, 5xx and network failures) with Atom's timing: the server's
/// <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or an HTTP date) when it gives one, else exponential backoff from
/// the configured delay with ±20% jitter; either capped at the configured maximum.
/// </summary>
internal sealed class OpenAiRetryPolicy(int maxRetries, TimeSpan delay, TimeSpan maxDelay, TimeProvider time) : ClientRetryPolicy(maxRetries)
{
    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var wait = ServerDelay(message.Response, time.GetUtcNow())
            ?? delay * Math.Pow(2, Math.Max(0, tryCount - 1)) * (0.8 + 0.4 * Random.Shared.NextDouble());
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > maxDelay ? maxDelay : wait;
    }

    /// <summary>The wait the server asked for, if it did.</summary>
    internal static TimeSpan? ServerDelay(PipelineResponse? response, DateTimeOffset now)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at - now : null;
    }
}
