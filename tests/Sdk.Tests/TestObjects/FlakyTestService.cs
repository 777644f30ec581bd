using System.Collections.Concurrent;
using Atom.Interop.TestHost;
using Atom.Server.Rpc;
using Grpc.Testing;

namespace Atom.Sdk.Tests.TestObjects;

/// <summary>
/// The interop TestService, except that a call carrying <c>x-test-id</c> and <c>x-fail-times: N</c> fails its first N attempts
/// with UNAVAILABLE; attempts are counted per test id.
/// </summary>
public sealed class FlakyTestService : TestServiceImpl
{
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    public override Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        FailIfAsked(context);
        return base.UnaryCall(request, context);
    }

    public override Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context)
    {
        FailIfAsked(context);

        // TestServiceImpl.CacheableUnaryCall calls the virtual UnaryCall, which would count the attempt twice.
        return base.UnaryCall(request, context);
    }

    private static void FailIfAsked(ServerCallContext context)
    {
        var id = context.RequestHeaders.GetValue("x-test-id");
        if (id is null)
        {
            return;
        }

        var attempt = Attempts.AddOrUpdate(id, 1, static (_, n) => n + 1);
        var failTimes = int.Parse(context.RequestHeaders.GetValue("x-fail-times") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (attempt <= failTimes)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"attempt {attempt} fails on purpose"));
        }
    }
}
