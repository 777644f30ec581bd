using Atom.Sdk;
using Atom.Server.Rpc.Internal;
using Atom.Server.Rpc.Internal.CallHandlers;
using Google.Protobuf;

namespace Atom.Server.Rpc;

/// <summary>Collects a service's methods; generated <c>BindService</c> methods call it once per method.</summary>
/// <typeparam name="TService">The generated service base.</typeparam>
public sealed class RpcServiceBinder<TService>
    where TService : class
{
    private readonly List<ServerMethod> _methods = [];

    internal RpcServiceBinder()
    {
    }

    internal IReadOnlyList<ServerMethod> Methods => _methods;

    /// <summary>Adds a unary method.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="invoker">Calls the service.</param>
    public void AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => _methods.Add(new UnaryCallHandler<TService, TRequest, TResponse>(method, invoker));

    /// <summary>Adds a server-streaming method.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="invoker">Calls the service.</param>
    public void AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => _methods.Add(new ServerStreamingCallHandler<TService, TRequest, TResponse>(method, invoker));

    /// <summary>Adds a client-streaming method.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="invoker">Calls the service.</param>
    public void AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => _methods.Add(new ClientStreamingCallHandler<TService, TRequest, TResponse>(method, invoker));

    /// <summary>Adds a duplex-streaming method.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="invoker">Calls the service.</param>
    public void AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => _methods.Add(new DuplexStreamingCallHandler<TService, TRequest, TResponse>(method, invoker));
}
