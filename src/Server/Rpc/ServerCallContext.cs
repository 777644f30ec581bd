using System.Net;
using Atom.Sdk;
using Atom.Server.Rpc.Internal;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc;

/// <summary>Everything a handler or interceptor knows about one call, whichever face it came in on.</summary>
public sealed class ServerCallContext
{
    private readonly RpcTransport _transport;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;

    internal ServerCallContext(HttpContext httpContext, ServerMethod method, RpcFace face, RpcTransport transport, DateTime deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        ServerMethod = method;
        Face = face;
        _transport = transport;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the method being called.</summary>
    public IMethod Method => ServerMethod.Method;

    /// <summary>Gets the protocol the call arrived on.</summary>
    public RpcFace Face { get; }

    /// <summary>Gets the underlying HTTP context.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the deadline (UTC), or <see cref="DateTime.MaxValue"/> when the caller set none.</summary>
    public DateTime Deadline { get; }

    /// <summary>Gets a token cancelled when the caller cancels, disconnects or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the caller's address, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string Peer
    {
        get
        {
            var connection = HttpContext.Connection;
            return connection.RemoteIpAddress switch
            {
                null => "unknown",
                { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{connection.RemotePort}",
                var ip => $"ipv4:{ip}:{connection.RemotePort}",
            };
        }
    }

    /// <summary>Gets the request headers the caller sent, without the protocol's own headers.</summary>
    public Metadata RequestHeaders => _requestHeaders ??= HeaderMapping.ToMetadata(HttpContext.Request.Headers);

    /// <summary>Gets the trailers sent with the status; handlers add to them.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    /// <summary>Gets or sets the status sent when the handler returns normally (default OK). Throw an <see cref="RpcException"/> to fail a call instead.</summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    /// <summary>Gets or sets the compression for response messages ("gzip" or null), honoured when the caller accepts it. Set it before the first message.</summary>
    public string? ResponseCompression
    {
        get => _transport.ResponseCompression;
        set => _transport.ResponseCompression = value;
    }

    /// <summary>Gets per-call state shared by interceptors and the handler.</summary>
    public IDictionary<object, object?> Items => HttpContext.Items;

    /// <summary>Gets the call's scoped services.</summary>
    public IServiceProvider RequestServices => HttpContext.RequestServices;

    internal ServerMethod ServerMethod { get; }

    internal RpcTransport Transport => _transport;

    internal bool HasResponseTrailers => _responseTrailers is { Count: > 0 };

    /// <summary>
    /// Whether the deadline has passed. The call's token is cancelled by the caller or by the deadline timer;
    /// when it is cancelled and the caller did not abort, the timer fired (timers may fire a tick before the clock agrees).
    /// </summary>
    internal bool DeadlineExceeded => Deadline != DateTime.MaxValue
        && (DateTime.UtcNow >= Deadline || (CancellationToken.IsCancellationRequested && !HttpContext.RequestAborted.IsCancellationRequested));

    /// <summary>Sends the response headers now, with extra metadata. Only before the first response message.</summary>
    /// <param name="headers">Headers to send.</param>
    /// <returns>A task that completes when the headers are sent.</returns>
    public Task WriteResponseHeadersAsync(Metadata headers) => _transport.WriteHeadersAsync(headers, CancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"{Face} {Method.FullName} from {Peer}";
}
