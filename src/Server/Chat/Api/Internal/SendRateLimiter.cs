using System.Collections.Concurrent;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>
/// A token bucket per sender: <see cref="ChatOptions.SendBurst"/> messages at once, then
/// <see cref="ChatOptions.SendsPerSecond"/> on average. A flood is refused with RESOURCE_EXHAUSTED and RetryInfo
/// saying when the next send will be accepted; nothing is stored for a refused send.
/// </summary>
/// <param name="options">The rates.</param>
/// <param name="time">The clock.</param>
internal sealed class SendRateLimiter(IOptions<ChatOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Tenant, string User), Bucket> _buckets = new();

    public void Take(string tenantId, string userId)
    {
        var rate = options.Value.SendsPerSecond;
        var burst = options.Value.SendBurst;
        var bucket = _buckets.GetOrAdd((tenantId, userId), _ => new Bucket(burst, time.GetTimestamp()));
        TimeSpan wait;
        lock (bucket)
        {
            var now = time.GetTimestamp();
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * rate));
            bucket.Stamp = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return;
            }

            wait = TimeSpan.FromSeconds((1 - bucket.Tokens) / rate);
        }

        throw new RpcException(StatusCode.ResourceExhausted,
            $"Too many messages: at most {rate:0.#} per second (bursts of {burst}). Try again in {Math.Ceiling(wait.TotalMilliseconds):0} ms.",
            AtomErrors.Info(ErrorReason.RateLimited),
            new RetryInfo { RetryDelay = Duration.FromTimeSpan(wait) });
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
