using Atom.Sdk;

namespace Atom.Server.Rpc;

/// <summary>Invokes a unary method on a service instance.</summary>
/// <typeparam name="TService">The service base.</typeparam>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="service">The service.</param>
/// <param name="request">The request.</param>
/// <param name="context">The call context.</param>
/// <returns>The response.</returns>
public delegate Task<TResponse> UnaryServerMethod<in TService, in TRequest, TResponse>(TService service, TRequest request, ServerCallContext context);

/// <summary>Invokes a server-streaming method on a service instance.</summary>
/// <typeparam name="TService">The service base.</typeparam>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="service">The service.</param>
/// <param name="request">The request.</param>
/// <param name="responses">The response stream.</param>
/// <param name="context">The call context.</param>
/// <returns>A task that completes when the call is done.</returns>
public delegate Task ServerStreamingServerMethod<in TService, in TRequest, out TResponse>(TService service, TRequest request, IAsyncStreamWriter<TResponse> responses, ServerCallContext context);

/// <summary>Invokes a client-streaming method on a service instance.</summary>
/// <typeparam name="TService">The service base.</typeparam>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="service">The service.</param>
/// <param name="requests">The request stream.</param>
/// <param name="context">The call context.</param>
/// <returns>The response.</returns>
public delegate Task<TResponse> ClientStreamingServerMethod<in TService, TRequest, TResponse>(TService service, IAsyncStreamReader<TRequest> requests, ServerCallContext context);

/// <summary>Invokes a duplex-streaming method on a service instance.</summary>
/// <typeparam name="TService">The service base.</typeparam>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
/// <param name="service">The service.</param>
/// <param name="requests">The request stream.</param>
/// <param name="responses">The response stream.</param>
/// <param name="context">The call context.</param>
/// <returns>A task that completes when the call is done.</returns>
public delegate Task DuplexStreamingServerMethod<in TService, TRequest, TResponse>(TService service, IAsyncStreamReader<TRequest> requests, IAsyncStreamWriter<TResponse> responses, ServerCallContext context);

/// <summary>One step of the interceptor pipeline: runs the rest of the call.</summary>
/// <param name="context">The call context.</param>
/// <returns>A task that completes when the call's handler is done.</returns>
public delegate Task RpcCallHandler(ServerCallContext context);
