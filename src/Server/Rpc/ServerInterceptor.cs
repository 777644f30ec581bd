namespace Atom.Server.Rpc;

/// <summary>
/// Runs around every call, on every face (gRPC, gRPC-Web, REST): authentication, logging, metrics,
/// rate limits. Register with <see cref="AtomRpcOptions.Interceptors"/>; interceptors are singletons.
/// </summary>
public abstract class ServerInterceptor
{
    /// <summary>Handles a call: inspect the context, then call <paramref name="next"/> (or throw an <see cref="Atom.Sdk.RpcException"/> to refuse it).</summary>
    /// <param name="context">The call context.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes when the call is done.</returns>
    public abstract Task InterceptAsync(ServerCallContext context, RpcCallHandler next);
}
