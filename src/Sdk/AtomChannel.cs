using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Atom.Sdk.Internal;
using Atom.Sdk.Internal.Client;
using Google.Protobuf;

namespace Atom.Sdk;

/// <summary>
/// A connection to an Atom server (or any gRPC server): gRPC over HTTP/2, or gRPC-Web over HTTP/1.1. A channel is
/// thread-safe and meant to be long-lived: it pools its HTTP/2 connections, so make one per server and share it.
/// </summary>
public sealed class AtomChannel : CallInvoker, IDisposable
{
    private static readonly CallOptions DefaultCallOptions = new();

    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private readonly string _baseUri;
    private readonly bool _disposeHandler;
    private volatile bool _disposed;

    private AtomChannel(Uri address, AtomChannelOptions options)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The address '{address}' must be an absolute http:// or https:// URI.", nameof(address));
        }

        Address = address;
        Options = options;
        _baseUri = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        IsWeb = options.Protocol == RpcProtocol.GrpcWeb;
        ContentType = IsWeb ? GrpcProtocol.WebContentTypeProto : GrpcProtocol.ContentType;
        HttpVersion = IsWeb ? System.Net.HttpVersion.Version11 : System.Net.HttpVersion.Version20;
        MaxReceiveMessageSize = options.MaxReceiveMessageSize ?? int.MaxValue;
        MaxSendMessageSize = options.MaxSendMessageSize ?? int.MaxValue;

        var handler = options.HttpHandler ?? CreateHandler(options);
        _disposeHandler = options.HttpHandler is null || options.DisposeHttpHandler;

        // HttpMessageInvoker is HttpClient's base without its per-request timeout source: deadlines are the calls' own.
        Invoker = new HttpMessageInvoker(handler, disposeHandler: _disposeHandler);
    }

    /// <summary>Gets the server address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the channel's options.</summary>
    public AtomChannelOptions Options { get; }

    internal static string UserAgent { get; } = "atom-dotnet/" + SdkVersion();

    internal HttpMessageInvoker Invoker { get; }

    internal bool IsWeb { get; }

    internal string ContentType { get; }

    internal Version HttpVersion { get; }

    internal int MaxReceiveMessageSize { get; }

    internal int MaxSendMessageSize { get; }

    /// <summary>Creates a channel to an address such as <c>http://127.0.0.1:7400</c>.</summary>
    /// <param name="address">The server address.</param>
    /// <param name="options">Channel options, or null for the defaults.</param>
    /// <returns>The channel.</returns>
    public static AtomChannel ForAddress(string address, AtomChannelOptions? options = null) => ForAddress(new Uri(address), options);

    /// <summary>Creates a channel to an address such as <c>http://127.0.0.1:7400</c>.</summary>
    /// <param name="address">The server address.</param>
    /// <param name="options">Channel options, or null for the defaults.</param>
    /// <returns>The channel.</returns>
    public static AtomChannel ForAddress(Uri address, AtomChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new AtomChannel(address, options ?? new AtomChannelOptions());
    }

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> Unary<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= DefaultCallOptions;

        var deadline = Deadline(options);
        ReadOnlyMemory<byte> frame;
        try
        {
            frame = RequestFrames.Create(request, GrpcCall<TRequest, TResponse>.IsGzip(options), MaxSendMessageSize);
        }
        catch (RpcException ex)
        {
            return new GrpcCall<TRequest, TResponse>(this, method, options, deadline).FailUnary(ex);
        }

        var policy = Options.RetryPolicy;
        if (!policy.Enabled || options.AllowRetries == false || (options.AllowRetries is null && !method.IsIdempotent))
        {
            return new GrpcCall<TRequest, TResponse>(this, method, options, deadline).StartUnary(frame);
        }

        return RetryingUnaryCall<TRequest, TResponse>.Start(this, method, options, deadline, frame, policy);
    }

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= DefaultCallOptions;
        var frame = RequestFrames.Create(request, GrpcCall<TRequest, TResponse>.IsGzip(options), MaxSendMessageSize);
        var call = new GrpcCall<TRequest, TResponse>(this, method, options, Deadline(options));
        call.StartServerStreaming(frame);
        return new AsyncServerStreamingCall<TResponse>(call, call.CreateState());
    }

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null)
    {
        var call = StartStreamingRequest(method, options);
        var writer = call.StartClientStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(writer, call.ClientStreamingResponseAsync(), call.CreateState());
    }

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options = null)
    {
        var call = StartStreamingRequest(method, options);
        var writer = call.StartClientStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(writer, call, call.CreateState());
    }

    /// <summary>Closes the channel's connections; calls still running fail.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Invoker.Dispose();
    }

    internal HttpRequestMessage CreateRequest(IMethod method, HttpContent content) => new(HttpMethod.Post, GetUri(method))
    {
        Version = HttpVersion,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = content,
    };

    internal bool IsExpectedContentType(string? mediaType)
    {
        if (mediaType is null)
        {
            return false;
        }

        if (!IsWeb)
        {
            return GrpcProtocol.IsGrpcContentType(mediaType);
        }

        // application/grpc-web or application/grpc-web+proto; the text variant is base64 and not what this channel asked for.
        return mediaType.StartsWith(GrpcProtocol.WebContentType, StringComparison.OrdinalIgnoreCase)
            && (mediaType.Length == GrpcProtocol.WebContentType.Length || mediaType[GrpcProtocol.WebContentType.Length] == '+');
    }

    private GrpcCall<TRequest, TResponse> StartStreamingRequest<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions? options)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsWeb)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "gRPC-Web cannot stream requests; use the Grpc protocol"));
        }

        options ??= DefaultCallOptions;
        _ = GrpcCall<TRequest, TResponse>.IsGzip(options);
        return new GrpcCall<TRequest, TResponse>(this, method, options, Deadline(options));
    }

    private static DateTime? Deadline(CallOptions options)
    {
        if (options.Deadline is not { } deadline || deadline == DateTime.MaxValue)
        {
            return null;
        }

        return deadline.Kind == DateTimeKind.Local ? deadline.ToUniversalTime() : deadline;
    }

    private Uri GetUri(IMethod method)
    {
        if (_uris.TryGetValue(method.FullName, out var uri))
        {
            return uri;
        }

        return _uris.GetOrAdd(method.FullName, new Uri(_baseUri + method.FullName));
    }

    private static SocketsHttpHandler CreateHandler(AtomChannelOptions options) => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = options.KeepAlivePingDelay ?? Timeout.InfiniteTimeSpan,
        KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
        ConnectTimeout = options.ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    private static string SdkVersion()
    {
        var version = typeof(AtomChannel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
