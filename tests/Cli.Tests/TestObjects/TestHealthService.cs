using Atom.Grpc.Health.V1;
using Atom.Sdk;
using Atom.Server.Rpc;

namespace Atom.Cli.Tests.TestObjects;

/// <summary>
/// A minimal grpc.health.v1.Health for servers that do not serve their own yet: every service is SERVING,
/// and Watch sends the status once, then holds the stream open until the caller goes away.
/// </summary>
public sealed class TestHealthService : HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving });

    public override async Task Watch(HealthCheckRequest request, IAsyncStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        await responses.WriteAsync(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving }, context.CancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller's deadline or cancellation ends the watch; the runtime reports the status.
        }
    }
}
