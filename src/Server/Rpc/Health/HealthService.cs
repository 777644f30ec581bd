using System.Diagnostics.CodeAnalysis;
using Atom.Grpc.Health.V1;
using Atom.Sdk;
using Atom.V1;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Rpc.Health;

/// <summary>Implements grpc.health.v1.Health from the <see cref="HealthStatusRegistry"/>.</summary>
public sealed class HealthService(HealthStatusRegistry statuses) : HealthBase
{
    /// <inheritdoc />
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = statuses.GetStatus(request.Service) ?? ThrowUnknownService(request.Service);
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <inheritdoc />
    public override async Task Watch(HealthCheckRequest request, IAsyncStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        await foreach (var status in statuses.WatchAsync(request.Service, context.CancellationToken))
        {
            await responses.WriteAsync(new HealthCheckResponse { Status = status ?? ServingStatus.ServiceUnknown }, context.CancellationToken);
        }

        // The registry ended the watch: the server is shutting down. The stream ends cleanly (OK).
    }

    [DoesNotReturn]
    private static ServingStatus ThrowUnknownService(string service) =>
        throw new RpcException(StatusCode.NotFound,
            $"Health status of service '{service}' is unknown: it is not served here. Ask for \"\" for the server as a whole.",
            AtomErrors.Info(ErrorReason.NotFound, ("resource_type", "service"), ("service", service)));
}
