using System.Collections.Concurrent;
using Atom.Interop.TestHost;
using Atom.Server.Rpc;
using Grpc.Testing;

namespace Atom.Sdk.Tests.TestObjects;

/// <summary>
/// The interop TestService, except that a unary call carrying <c>x-test-id</c> is counted per test id, answers with the
/// trailer <c>x-attempt</c>, fails its first N attempts with UNAVAILABLE when asked with <c>x-fail-times: N</c>, and waits
/// <c>x-delay-ms</c> before answering (noting in <see cref="Cancelled"/> when the client cancels the wait).
/// </summary>
public sealed class FlakyTestService : TestServiceImpl
{
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    public static ConcurrentDictionary<string, bool> Cancelled { get; } = new();

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await ActAsAskedAsync(context);
        return await base.UnaryCall(request, context);
    }

    public override async Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await ActAsAskedAsync(context);

        // TestServiceImpl.CacheableUnaryCall calls the virtual UnaryCall, which would count the attempt twice.
        return await base.UnaryCall(request, context);
    }

    private static async Task ActAsAskedAsync(ServerCallContext context)
    {
        var id = context.RequestHeaders.GetValue("x-test-id");
        if (id is null)
        {
            return;
        }

        var attempt = Attempts.AddOrUpdate(id, 1, static (_, n) => n + 1);
        context.ResponseTrailers.Add("x-attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var failTimes = int.Parse(context.RequestHeaders.GetValue("x-fail-times") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (attempt <= failTimes)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"attempt {attempt} fails on purpose"));
        }

        if (context.RequestHeaders.GetValue("x-delay-ms") is { } delay)
        {
            try
            {
                await Task.Delay(int.Parse(delay, System.Globalization.CultureInfo.InvariantCulture), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled[id] = true;
                throw;
            }
        }
    }
}
