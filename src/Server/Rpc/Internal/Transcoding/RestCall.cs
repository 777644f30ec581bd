using Atom.Sdk;
using Atom.Sdk.Internal;
using Atom.V1;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>A request matched to a route: runs it through the shared pipeline with a <see cref="RestTransport"/>.</summary>
internal sealed class RestCall(RestRoute route, string[] pathValues, int maxReceiveMessageSize) : IRestCall
{
    public async Task ExecuteAsync(HttpContext http, RpcDispatcher dispatcher)
    {
        var deadline = DateTime.MaxValue;
        var timeout = TimeSpan.Zero;
        var timeoutHeader = http.Request.Headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader.ToString(), out timeout))
            {
                await RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status400BadRequest, new RpcException(StatusCode.InvalidArgument,
                    $"Malformed grpc-timeout '{timeoutHeader}': expected at most 8 digits and a unit (H, M, S, m, u, n).",
                    AtomErrors.Info(ErrorReason.InvalidHeader, ("header", GrpcProtocol.TimeoutHeader))));
                return;
            }

            deadline = timeout >= MaxTimer ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        }

        var transport = new RestTransport(http, route, pathValues, maxReceiveMessageSize);
        if (deadline == DateTime.MaxValue)
        {
            await dispatcher.RunCallAsync(http, route.Method, RpcFace.Rest, transport, deadline, http.RequestAborted);
            return;
        }

        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        // Timers tick in whole milliseconds and may fire just before DateTime.UtcNow reaches the deadline;
        // the pipeline tells DEADLINE_EXCEEDED from other cancellations by the clock, so fire a little late, never early.
        deadlineSource.CancelAfter(timeout + TimerSlack);
        await dispatcher.RunCallAsync(http, route.Method, RpcFace.Rest, transport, deadline, deadlineSource.Token);
    }

    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue - 1);
}

/// <summary>A path that has routes, but none for the request's HTTP method: 405 with Allow.</summary>
internal sealed class MethodNotAllowedCall(IReadOnlyList<string> allowed) : IRestCall
{
    public Task ExecuteAsync(HttpContext http, RpcDispatcher dispatcher)
    {
        var allow = string.Join(", ", allowed);
        http.Response.Headers.Allow = allow;
        return RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status405MethodNotAllowed, AtomErrors.Exception(
            StatusCode.Unimplemented, ErrorReason.HttpMethodNotAllowed, $"{http.Request.Method} is not allowed on {http.Request.Path}; allowed: {allow}."));
    }
}
