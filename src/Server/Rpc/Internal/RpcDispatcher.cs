using System.IO.Pipelines;
using Atom.Sdk;
using Atom.Sdk.Internal;
using Atom.Server.Rpc.Internal.Faces;
using Atom.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Rpc.Internal;

/// <summary>
/// The middleware in front of every RPC: picks the face from the content type (or a REST route),
/// checks the protocol's headers, runs the method's pipeline and ends the call with its status.
/// </summary>
internal sealed partial class RpcDispatcher(RequestDelegate next, RpcServiceRegistry registry, IOptions<AtomRpcOptions> options, ILogger<RpcDispatcher> logger, IRestFace? rest = null)
{
    private readonly AtomRpcOptions _options = options.Value;

    public Task InvokeAsync(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (TryGetGrpcFace(contentType, out var face, out var supported))
        {
            return supported
                ? HandleGrpcAsync(http, face)
                : RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaType(contentType));
        }

        if (rest is not null && rest.TryMatch(http, out var restCall))
        {
            return restCall.ExecuteAsync(http, this);
        }

        // A gRPC path called without a gRPC content type (curl, a browser): say what it takes.
        if (http.Request.Path.HasValue && registry.TryGetMethod(http.Request.Path.Value!, out _))
        {
            return HttpMethods.IsPost(http.Request.Method)
                ? RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaType(contentType))
                : MethodNotAllowedAsync(http);
        }

        return next(http);
    }

    /// <summary>
    /// Runs a call on any face and ends it; shared by the gRPC faces and REST. A timeout (from grpc-timeout)
    /// becomes the call's deadline: its token is cancelled then, and the call ends with DEADLINE_EXCEEDED.
    /// </summary>
    internal Task RunCallAsync(HttpContext http, ServerMethod method, RpcFace face, RpcTransport transport, TimeSpan? timeout)
    {
        if (timeout is null || timeout.Value >= MaxTimer)
        {
            return RunCallAsync(http, method, face, transport, DateTime.MaxValue, http.RequestAborted);
        }

        if (timeout.Value <= TimeSpan.Zero)
        {
            // grpc-js rounds a nearly spent deadline down to "0m": it has expired on arrival, and the handler never runs.
            var expired = AtomErrors.Exception(StatusCode.DeadlineExceeded, ErrorReason.DeadlineExceeded, "Deadline exceeded: the call's deadline had passed on arrival.");
            return transport.CompleteAsync(expired.Status, expired.Trailers).AsTask();
        }

        return RunWithDeadlineAsync(http, method, face, transport, timeout.Value);
    }

    private async Task RunWithDeadlineAsync(HttpContext http, ServerMethod method, RpcFace face, RpcTransport transport, TimeSpan timeout)
    {
        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadlineSource.CancelAfter(timeout);
        await RunCallAsync(http, method, face, transport, DateTime.UtcNow + timeout, deadlineSource.Token);
    }

    /// <summary>Reads grpc-timeout: false when it is present but malformed.</summary>
    internal static bool TryReadTimeout(HttpRequest request, out TimeSpan? timeout)
    {
        timeout = null;
        var header = request.Headers[GrpcProtocol.TimeoutHeader];
        if (header.Count == 0)
        {
            return true;
        }

        if (!GrpcTimeout.TryParse(header.ToString(), out var value))
        {
            return false;
        }

        timeout = value;
        return true;
    }

    /// <summary>The error for a malformed grpc-timeout; the code differs by face (INTERNAL on gRPC, as grpc-go; INVALID_ARGUMENT on REST).</summary>
    internal static RpcException MalformedTimeout(HttpRequest request, StatusCode code) => new(code,
        $"Malformed grpc-timeout '{request.Headers[GrpcProtocol.TimeoutHeader]}': expected at most 8 digits and a unit (H, M, S, m, u, n).",
        AtomErrors.Info(ErrorReason.InvalidHeader, ("header", GrpcProtocol.TimeoutHeader)));

    /// <summary>
    /// The pipeline's outer edge: whatever the interceptors and handler throw becomes the call's status here
    /// (ExceptionMapping), once, and the status goes out through the face.
    /// </summary>
    private async Task RunCallAsync(HttpContext http, ServerMethod method, RpcFace face, RpcTransport transport, DateTime deadline, CancellationToken token)
    {
        var context = new ServerCallContext(http, method, face, transport, deadline, token);
        Status status;
        Metadata? trailers;
        try
        {
            await method.Pipeline(context);
            status = context.Status;
            trailers = context.HasResponseTrailers ? context.ResponseTrailers : null;
        }
        catch (Exception ex)
        {
            var error = ExceptionMapping.ToRpcException(ex, context, _options, logger);
            status = error.Status;
            trailers = MergeTrailers(context, error.Trailers);
        }

        if (http.RequestAborted.IsCancellationRequested)
        {
            // The caller reset the stream: there is nobody to send a status to.
            return;
        }

        try
        {
            await transport.CompleteAsync(status, trailers);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            Log.CompletionFailed(logger, method.Method.FullName, ex.Message);
        }
    }

    // Not async: on the common path it returns the call's task directly, so a call pays for no extra state machine.
    private Task HandleGrpcAsync(HttpContext http, RpcFace face)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return MethodNotAllowedAsync(http);
        }

        if (face == RpcFace.Grpc && !HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            return RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status426UpgradeRequired, AtomErrors.Exception(
                StatusCode.Internal, ErrorReason.UnsupportedMediaType, $"gRPC needs HTTP/2; this request is {request.Protocol}. Use the gRPC port, or gRPC-Web (application/grpc-web) over HTTP/1.1."));
        }

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        encoding = encoding.Length == 0 ? null : encoding;
        var path = request.Path.Value ?? string.Empty;
        if (!registry.TryGetMethod(path, out var method))
        {
            return CompleteEarlyAsync(http, face, encoding, UnknownMethod(path));
        }

        if (encoding is not null && encoding is not GrpcProtocol.IdentityEncoding and not GrpcProtocol.GzipEncoding)
        {
            // The one response that must say which encodings the server reads.
            http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            return CompleteEarlyAsync(http, face, null, new RpcException(StatusCode.Unimplemented,
                $"grpc-encoding '{encoding}' is not supported; supported: {GrpcProtocol.SupportedEncodings}.",
                AtomErrors.Info(ErrorReason.InvalidHeader, ("header", GrpcProtocol.EncodingHeader))));
        }

        if (!TryReadTimeout(request, out var timeout))
        {
            // As grpc-go does: a malformed timeout is a malformed request, not "no deadline".
            return CompleteEarlyAsync(http, face, encoding, MalformedTimeout(request, StatusCode.Internal));
        }

        if (method.Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
        {
            // Kestrel would otherwise end a quiet stream after a few seconds, or at 30 MB.
            var rate = http.Features.Get<IHttpMinRequestBodyDataRateFeature>();
            if (rate is not null)
            {
                rate.MinDataRate = null;
            }
        }

        var bodySize = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            // Each message is held to MaxReceiveMessageSize; the stream as a whole may be long.
            bodySize.MaxRequestBodySize = null;
        }

        if (face == RpcFace.GrpcWebText)
        {
            return HandleGrpcWebTextAsync(http, method, encoding, timeout);
        }

        var transport = new GrpcTransport(http, request.BodyReader, face, _options, encoding) { ResponseCompression = _options.ResponseCompression };
        return RunCallAsync(http, method, face, transport, timeout);
    }

    /// <summary>A text request is base64 as a whole: decode it, then run the call over the decoded bytes.</summary>
    private async Task HandleGrpcWebTextAsync(HttpContext http, ServerMethod method, string? encoding, TimeSpan? timeout)
    {
        var decoded = await GrpcWebText.ReadBodyAsync(http.Request.BodyReader, _options.MaxReceiveMessageSize, http.RequestAborted);
        if (decoded.Error is not null)
        {
            await CompleteEarlyAsync(http, RpcFace.GrpcWebText, encoding, decoded.Error);
            return;
        }

        var transport = new GrpcTransport(http, PipeReader.Create(decoded.Body), RpcFace.GrpcWebText, _options, encoding) { ResponseCompression = _options.ResponseCompression };
        await RunCallAsync(http, method, RpcFace.GrpcWebText, transport, timeout);
    }

    private static Task MethodNotAllowedAsync(HttpContext http)
    {
        http.Response.Headers.Allow = "POST";
        return RpcJson.WriteHttpErrorAsync(http, StatusCodes.Status405MethodNotAllowed, AtomErrors.Exception(
            StatusCode.Unimplemented, ErrorReason.HttpMethodNotAllowed, $"gRPC calls use POST, not {http.Request.Method}."));
    }

    private Task CompleteEarlyAsync(HttpContext http, RpcFace face, string? encoding, RpcException error)
    {
        Log.CallRejected(logger, http.Request.Path.Value ?? string.Empty, error.StatusCode, error.Status.Detail);
        var transport = new GrpcTransport(http, http.Request.BodyReader, face, _options, encoding);
        return transport.CompleteAsync(error.Status, error.Trailers).AsTask();
    }

    private RpcException UnknownMethod(string path)
    {
        // Paths are "/package.Service/Method".
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
        return registry.HasService(service)
            ? AtomErrors.Exception(StatusCode.Unimplemented, ErrorReason.MethodNotFound, $"Method '{path[(slash + 1)..]}' is not a method of service '{service}'.")
            : AtomErrors.Exception(StatusCode.Unimplemented, ErrorReason.MethodNotFound, $"Service '{service}' is not served here.");
    }

    private static RpcException UnsupportedMediaType(string? contentType) =>
        AtomErrors.Exception(StatusCode.Internal, ErrorReason.UnsupportedMediaType,
            $"Content-Type '{contentType}' is not supported here; use application/grpc, application/grpc-web(+proto), application/grpc-web-text(+proto), or the REST paths in /openapi.json.");

    private static Metadata? MergeTrailers(ServerCallContext context, Metadata errorTrailers)
    {
        if (!context.HasResponseTrailers)
        {
            return errorTrailers;
        }

        foreach (var entry in errorTrailers)
        {
            context.ResponseTrailers.Add(entry);
        }

        return context.ResponseTrailers;
    }

    /// <summary>Classifies a content type: gRPC, gRPC-Web binary or gRPC-Web text, and whether its codec (proto) is supported.</summary>
    internal static bool TryGetGrpcFace(string? contentType, out RpcFace face, out bool supported)
    {
        face = RpcFace.Grpc;
        supported = false;
        if (contentType is null || !contentType.StartsWith(GrpcProtocol.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(GrpcProtocol.ContentType.Length);
        var semicolon = rest.IndexOf(';');
        if (semicolon >= 0)
        {
            rest = rest[..semicolon];
        }

        rest = rest.Trim();
        if (rest.StartsWith("-web-text", StringComparison.OrdinalIgnoreCase))
        {
            face = RpcFace.GrpcWebText;
            rest = rest["-web-text".Length..];
        }
        else if (rest.StartsWith("-web", StringComparison.OrdinalIgnoreCase))
        {
            face = RpcFace.GrpcWeb;
            rest = rest["-web".Length..];
        }
        else if (rest.Length > 0 && rest[0] != '+')
        {
            // e.g. "application/grpcx": not ours at all.
            return false;
        }

        supported = rest.Length == 0 || rest.Equals("+proto", StringComparison.OrdinalIgnoreCase);
        return true;
    }

    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Call to {Path} rejected before its handler: {StatusCode} {Detail}")]
        public static partial void CallRejected(ILogger logger, string path, StatusCode statusCode, string detail);

        [LoggerMessage(2, LogLevel.Debug, "Could not send the status of {Method}: {Reason}")]
        public static partial void CompletionFailed(ILogger logger, string method, string reason);
    }
}
