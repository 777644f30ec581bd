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
        if (!RpcDispatcher.TryReadTimeout(http.Request, out var timeout))
        {
            await RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status400BadRequest, RpcDispatcher.MalformedTimeout(http.Request, StatusCode.InvalidArgument));
            return;
        }

        var transport = new RestTransport(http, route, pathValues, maxReceiveMessageSize);
        await dispatcher.RunCallAsync(http, route.Method, RpcFace.Rest, transport, timeout);
    }
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
