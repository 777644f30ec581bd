using Google.Protobuf;

namespace Atom.Sdk;

/// <summary>Makes calls. <see cref="AtomChannel"/> is the real one; wrap it to intercept calls.</summary>
public abstract class CallInvoker
{
    /// <summary>Starts a unary call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">Per-call settings.</param>
    /// <returns>The call: await it for the response.</returns>
    public abstract AsyncUnaryCall<TResponse> Unary<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Starts a server-streaming call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">Per-call settings.</param>
    /// <returns>The call.</returns>
    public abstract AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Starts a client-streaming call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="options">Per-call settings.</param>
    /// <returns>The call.</returns>
    public abstract AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Starts a duplex-streaming call.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="options">Per-call settings.</param>
    /// <returns>The call.</returns>
    public abstract AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}

/// <summary>The base of generated typed clients.</summary>
public abstract class RpcClientBase
{
    /// <summary>Creates a client over an invoker.</summary>
    /// <param name="invoker">The channel or invoker.</param>
    protected RpcClientBase(CallInvoker invoker) => Invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));

    /// <summary>Gets the invoker the calls go through.</summary>
    protected CallInvoker Invoker { get; }
}
