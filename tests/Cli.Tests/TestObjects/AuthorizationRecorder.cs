using System.Collections.Concurrent;
using Atom.Server.Rpc;

namespace Atom.Cli.Tests.TestObjects;

/// <summary>Records every authorization header the server receives, so tests can see that --token is sent.</summary>
public sealed class AuthorizationRecorder : ServerInterceptor
{
    public static ConcurrentBag<string> Seen { get; } = [];

    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        if (context.RequestHeaders.GetValue("authorization") is { } value)
        {
            Seen.Add(value);
        }

        return next(context);
    }
}
