using System.Collections.Concurrent;
using Atom.Server.Rpc;

namespace Atom.Sdk.Tests.TestObjects;

/// <summary>Records, per <c>x-test-id</c>, the raw request headers a call arrived with (authorization, grpc-encoding, ...).</summary>
public sealed class HeaderRecordingInterceptor : ServerInterceptor
{
    public static ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Seen { get; } = new();

    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        var headers = context.HttpContext.Request.Headers;
        if (headers.TryGetValue("x-test-id", out var id))
        {
            Seen[id.ToString()] = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        }

        return next(context);
    }
}
