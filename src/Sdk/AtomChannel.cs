using Google.Protobuf;

namespace Atom.Sdk;

/// <summary>A connection to an Atom server (or any gRPC server): gRPC over HTTP/2, or gRPC-Web over HTTP/1.1.</summary>
public sealed class AtomChannel : CallInvoker, IDisposable
{
    private AtomChannel(Uri address, AtomChannelOptions options)
    {
        Address = address;
        Options = options;
    }

    /// <summary>Gets the server address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the channel's options.</summary>
    public AtomChannelOptions Options { get; }

    /// <summary>Creates a channel to an address such as <c>http://127.0.0.1:7400</c>.</summary>
    /// <param name="address">The server address.</param>
    /// <param name="options">Channel options, or null for the defaults.</param>
    /// <returns>The channel.</returns>
    public static AtomChannel ForAddress(string address, AtomChannelOptions? options = null) => new(new Uri(address), options ?? new AtomChannelOptions());

    /// <inheritdoc />
    public override Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The SDK channel is not built yet."));

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The SDK channel is not built yet."));

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The SDK channel is not built yet."));

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The SDK channel is not built yet."));

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>Options of an <see cref="AtomChannel"/>.</summary>
public sealed class AtomChannelOptions
{
    /// <summary>Gets the credentials applied to every call.</summary>
    public CallCredentials? Credentials { get; init; }
}
