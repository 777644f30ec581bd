namespace Atom.Sdk;

/// <summary>The wire protocol an <see cref="AtomChannel"/> speaks.</summary>
public enum RpcProtocol
{
    /// <summary>Native gRPC over HTTP/2: every call kind.</summary>
    Grpc,

    /// <summary>gRPC-Web (binary) over HTTP/1.1, for proxies that only speak HTTP/1.1: unary and server-streaming calls only.</summary>
    GrpcWeb,
}

/// <summary>Options of an <see cref="AtomChannel"/>.</summary>
public sealed class AtomChannelOptions
{
    /// <summary>Gets the credentials applied to every call, before the call's own.</summary>
    public CallCredentials? Credentials { get; init; }

    /// <summary>Gets the wire protocol (default <see cref="RpcProtocol.Grpc"/>).</summary>
    public RpcProtocol Protocol { get; init; } = RpcProtocol.Grpc;

    /// <summary>Gets the largest response message accepted, in bytes (default 4 MiB); null for no limit. Larger ones fail with RESOURCE_EXHAUSTED.</summary>
    public int? MaxReceiveMessageSize { get; init; } = Internal.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Gets the largest request message sent, in bytes; null (the default) for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>Gets the retry policy of idempotent unary calls (default <see cref="RetryPolicy.Default"/>); <see cref="RetryPolicy.None"/> turns retries off.</summary>
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// Gets the handler that sends the HTTP requests, e.g. a test server's handler or one with TLS settings;
    /// null (the default) makes a <see cref="SocketsHttpHandler"/> from the other options. The channel does not dispose a handler it was given
    /// unless <see cref="DisposeHttpHandler"/> is set.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Gets a value indicating whether disposing the channel disposes <see cref="HttpHandler"/> (default false).</summary>
    public bool DisposeHttpHandler { get; init; }

    /// <summary>Gets the interval of HTTP/2 keep-alive pings while calls are active (default 60 s); null turns pings off.</summary>
    public TimeSpan? KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long a keep-alive ping may go unanswered before the connection is closed (default 30 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long an idle pooled connection is kept open (default: indefinitely).</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Gets the time allowed to open a connection (default 10 s); a failure to connect ends the call with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
