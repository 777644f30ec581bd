using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;

namespace Atom.Sdk.Internal.Client;

/// <summary>
/// One call (one attempt, for a retried unary call) over one HTTP request: sends the request, checks the response
/// headers, reads response frames straight from the pooled body buffer, and settles the status exactly once, from
/// trailers, a trailers-only response, an HTTP failure, the deadline or a cancellation.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IAsyncStreamReader<TResponse>, IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue - 1);
    private static readonly TimeSpan WriteFailureGrace = TimeSpan.FromSeconds(1);
    // Metadata is mutable: every call gets its own empty instance.
    private static Metadata NoMetadata => new();

    private readonly AtomChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly DateTime? _deadline;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _token;
    private readonly TaskCompletionSource<Metadata> _headers;
    private CancellationTokenRegistration _callerRegistration;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private string? _responseEncoding;
    private (Status Status, Metadata Trailers)? _webTrailers;
    private Outcome? _outcome;
    private volatile bool _reading;
    private volatile bool _cancelledByCaller;
    private volatile bool _disposed;
    private Task<bool>? _start;
    private StreamingRequestContent? _requestContent;

    public GrpcCall(AtomChannel channel, Method<TRequest, TResponse> method, CallOptions options, DateTime? deadline)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = deadline;

        // Every call, unary ones too, owns a token source: disposing the call must reset its HTTP/2 stream even while
        // the server has not answered yet, which only a token passed to SendAsync can do.
        _cts = new CancellationTokenSource();
        _token = _cts.Token;
        if (options.CancellationToken.CanBeCanceled)
        {
            _callerRegistration = options.CancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).CancelByCaller(), this);
        }

        if (deadline is { } d)
        {
            var remaining = d - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                _cts.Cancel();
            }
            else if (remaining < MaxTimer)
            {
                _cts.CancelAfter(remaining);
            }
        }

        _headers = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Gets a value indicating whether the server sent response headers (not a trailers-only response): a retry is then out of the question.</summary>
    public bool Committed { get; private set; }

    public TResponse Current { get; private set; } = null!;

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public Status? FinalStatus => _outcome?.Status;

    public Metadata Trailers => _outcome?.Trailers ?? NoMetadata;

    public Status GetStatus() => _outcome?.Status ?? throw new InvalidOperationException("The call has not finished: its status is not known yet.");

    public Metadata GetTrailers() => _outcome?.Trailers ?? throw new InvalidOperationException("The call has not finished: its trailers are not known yet.");

    public CallState CreateState() => new(ResponseHeadersAsync, GetStatus, GetTrailers, Dispose);

    // ---- unary and client streaming ----

    /// <summary>Starts a unary call that is not retried.</summary>
    public AsyncUnaryCall<TResponse> StartUnary(ReadOnlyMemory<byte> frame) => new(UnaryAsync(frame), CreateState());

    /// <summary>A unary call that failed before anything was sent, e.g. because its request could not be framed.</summary>
    public AsyncUnaryCall<TResponse> FailUnary(RpcException ex)
    {
        Finish(ex.Status, ex.Trailers);
        Cleanup();
        return new(Task.FromException<TResponse>(ex), CreateState());
    }

    /// <summary>Runs a unary call (one attempt) to its end; never throws: the outcome is in <see cref="FinalStatus"/>.</summary>
    public async Task<TResponse?> RunUnaryAsync(ReadOnlyMemory<byte> frame)
    {
        // Set for good: the run cleans up after itself, so a Dispose from another thread never completes the reader under it.
        _reading = true;
        try
        {
            if (await SendAsync(new FrameContent(frame, _channel.ContentType)).ConfigureAwait(false))
            {
                return await ReadSingleResponseAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            Cleanup();
        }

        return null;
    }

    private async Task<TResponse> UnaryAsync(ReadOnlyMemory<byte> frame)
    {
        var response = await RunUnaryAsync(frame).ConfigureAwait(false);
        return ResultOrThrow(response);
    }

    public TResponse ResultOrThrow(TResponse? response)
    {
        var outcome = _outcome!;
        if (outcome.Status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(outcome.Status, outcome.Trailers);
        }

        return response ?? throw new RpcException(new Status(StatusCode.Internal, "The server ended the call with OK but sent no response message."));
    }

    // ---- streaming ----

    public void StartServerStreaming(ReadOnlyMemory<byte> frame) => _start = SendAsync(new FrameContent(frame, _channel.ContentType));

    public ClientStreamWriter<TRequest, TResponse> StartClientStreaming()
    {
        _requestContent = new StreamingRequestContent(_channel.ContentType);
        _start = SendAsync(_requestContent);
        return new ClientStreamWriter<TRequest, TResponse>(this, _requestContent, _channel.MaxSendMessageSize, IsGzip(_options));
    }

    public async Task<TResponse> ClientStreamingResponseAsync()
    {
        TResponse? response = null;
        try
        {
            if (await _start!.ConfigureAwait(false))
            {
                response = await ReadSingleResponseAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            Cleanup();
        }

        return ResultOrThrow(response);
    }

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (_outcome is not null)
        {
            return ThrowIfFailed();
        }

        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).CancelByCaller(), this)
            : default;
        _reading = true;
        try
        {
            if (_start is not null && await _start.ConfigureAwait(false))
            {
                var message = await ReadMessageAsync().ConfigureAwait(false);
                if (message is not null)
                {
                    Current = message;
                    return true;
                }

                FinishFromTrailers();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            _reading = false;
            await registration.DisposeAsync().ConfigureAwait(false);
        }

        Cleanup();
        return ThrowIfFailed();
    }

    /// <summary>Throws for a request stream write when the call has ended.</summary>
    public void ThrowIfFinished()
    {
        if (_outcome?.Status is { } status)
        {
            throw status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("The call has finished: no more requests can be written.")
                : new RpcException(status, Trailers);
        }
    }

    /// <summary>The exception for a failed request stream write: the call's status once it has one.</summary>
    public async Task<Exception> WriteFailedAsync(Exception ex)
    {
        if (ex is InvalidOperationException && _outcome is null)
        {
            return ex;
        }

        if (_outcome is null && _start is { IsCompleted: false } start)
        {
            // A write usually fails because the server already answered (e.g. a trailers-only UNIMPLEMENTED) and reset
            // the request stream: that answer, not the broken write, is the call's status. Wait briefly for it.
            try
            {
                await start.WaitAsync(WriteFailureGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // No answer in time: the write's own failure is all there is.
            }
        }

        Fail(ex);
        var status = _outcome!.Status;
        return status.StatusCode == StatusCode.OK
            ? new InvalidOperationException("The call has finished: no more requests can be written.")
            : new RpcException(status, Trailers);
    }

    public CancellationToken Token => _token;

    public void CancelByCaller()
    {
        _cancelledByCaller = true;
        TryCancel();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Finish(Status.Disposed, NoMetadata);
        if (!_reading)
        {
            // A read in progress fails on the cancelled token and cleans up itself.
            Cleanup();
        }
    }

    // ---- the HTTP exchange ----

    /// <summary>Sends the request and checks the response headers; false when the call already has its status.</summary>
    private async Task<bool> SendAsync(HttpContent content)
    {
        HttpResponseMessage response;
        try
        {
            // A deadline already past when the call began: fail without sending anything.
            _token.ThrowIfCancellationRequested();

            var request = _channel.CreateRequest(_method, content);
            AddHeaders(request);
            if (_channel.Options.Credentials is not null || _options.Credentials is not null)
            {
                await ApplyCredentialsAsync(request).ConfigureAwait(false);
            }

            response = await _channel.Invoker.SendAsync(request, _token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return false;
        }

        try
        {
            return await ReceiveHeadersAsync(response).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return false;
        }
    }

    private async Task<bool> ReceiveHeadersAsync(HttpResponseMessage response)
    {
        _response = response;
        if (_outcome is not null)
        {
            // Disposed or cancelled while the headers were on their way.
            response.Dispose();
            return false;
        }

        var headers = response.Headers;
        var grpcStatus = ResponseProtocol.HeaderValue(headers, GrpcProtocol.StatusTrailer);
        if (grpcStatus is not null)
        {
            // Trailers-only: the headers are the trailers.
            var metadata = ResponseProtocol.ToMetadata(headers);
            _headers.TrySetResult(metadata);
            Finish(ResponseProtocol.ParseStatus(grpcStatus, ResponseProtocol.HeaderValue(headers, GrpcProtocol.MessageTrailer)), metadata);
            return false;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            Finish(ResponseProtocol.FromHttpStatus(response.StatusCode), ResponseProtocol.ToMetadata(headers));
            return false;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!_channel.IsExpectedContentType(contentType))
        {
            Finish(new Status(StatusCode.Internal,
                $"Bad gRPC response: content-type '{contentType}' is not {_channel.ContentType}; is {_channel.Address} a gRPC{(_channel.IsWeb ? "-Web" : string.Empty)} endpoint?"),
                NoMetadata);
            return false;
        }

        _responseEncoding = ResponseProtocol.HeaderValue(headers, GrpcProtocol.EncodingHeader);
        Committed = true;
        _headers.TrySetResult(ResponseProtocol.ToMetadata(headers));
        var body = await response.Content.ReadAsStreamAsync(_token).ConfigureAwait(false);
        _reader = PipeReader.Create(body, ReaderOptions);
        return true;
    }

    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: false);

    private void AddHeaders(HttpRequestMessage request)
    {
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, AtomChannel.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_channel.IsWeb)
        {
            headers.TryAddWithoutValidation("x-grpc-web", "1");
        }
        else
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, "trailers");
        }

        if (_deadline is { } deadline)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline - DateTime.UtcNow));
        }

        if (IsGzip(_options))
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        }

        if (_options.Headers is { } metadata)
        {
            AddMetadata(headers, metadata);
        }
    }

    private async Task ApplyCredentialsAsync(HttpRequestMessage request)
    {
        var metadata = new Metadata();
        try
        {
            if (_channel.Options.Credentials is { } channelCredentials)
            {
                await channelCredentials.ApplyAsync(_method, metadata, _token).ConfigureAwait(false);
            }

            if (_options.Credentials is { } callCredentials)
            {
                await callCredentials.ApplyAsync(_method, metadata, _token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The call credentials failed: {ex.GetType().Name}: {ex.Message}"));
        }

        AddMetadata(request.Headers, metadata);
    }

    private static void AddMetadata(System.Net.Http.Headers.HttpRequestHeaders headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            if (!GrpcProtocol.IsReservedHeader(entry.Key))
            {
                headers.TryAddWithoutValidation(entry.Key, entry.Value);
            }
        }
    }

    internal static bool IsGzip(CallOptions options)
    {
        var compression = options.RequestCompression;
        if (compression is null || string.Equals(compression, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.Equals(compression, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new RpcException(new Status(StatusCode.Internal, $"Request compression '{compression}' is not supported; use \"gzip\" or null."));
    }

    /// <summary>Reads the one response of a unary or client-streaming call, then the end of the stream and the status.</summary>
    private async Task<TResponse?> ReadSingleResponseAsync()
    {
        var message = await ReadMessageAsync().ConfigureAwait(false);
        if (message is null)
        {
            FinishFromTrailers();
            return null;
        }

        if (await ReadMessageAsync().ConfigureAwait(false) is not null)
        {
            Finish(new Status(StatusCode.Internal, "The server sent more than one response message to a call that expects one."), NoMetadata);
            return null;
        }

        FinishFromTrailers();
        return message;
    }

    /// <summary>Reads the next frame and parses it straight from the pipe's buffer; null at the end of the messages.</summary>
    private async ValueTask<TResponse?> ReadMessageAsync()
    {
        var reader = _reader!;
        var max = _channel.MaxReceiveMessageSize;
        while (true)
        {
            var result = await reader.ReadAsync(_token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (MessageFraming.TryReadFrame(ref buffer, max, out var flags, out var payload))
            {
                try
                {
                    if ((flags & GrpcProtocol.TrailersFlag) != 0 && _channel.IsWeb)
                    {
                        _webTrailers = ResponseProtocol.ParseWebTrailers(payload);
                        return null;
                    }

                    if ((flags & ~GrpcProtocol.CompressedFlag) != 0)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, $"Bad gRPC response: unexpected message flags 0x{flags:X2}."));
                    }

                    return MessageFraming.ParsePayload(flags, payload, _method.ResponseParser, _responseEncoding, max);
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.Length == 0
                    ? null
                    : throw new RpcException(new Status(StatusCode.Internal, $"Bad gRPC response: the body ended inside a message ({buffer.Length} byte(s) of an incomplete frame)."));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Settles the status from the trailers once the body has ended.</summary>
    private void FinishFromTrailers()
    {
        if (_channel.IsWeb)
        {
            Finish(_webTrailers?.Status ?? new Status(StatusCode.Internal, "Bad gRPC-Web response: the body ended without a trailers frame."),
                _webTrailers?.Trailers ?? NoMetadata);
            return;
        }

        var trailers = _response!.TrailingHeaders;
        var grpcStatus = ResponseProtocol.HeaderValue(trailers, GrpcProtocol.StatusTrailer);
        var status = grpcStatus is null
            ? new Status(StatusCode.Internal, "Bad gRPC response: the response ended without grpc-status.")
            : ResponseProtocol.ParseStatus(grpcStatus, ResponseProtocol.HeaderValue(trailers, GrpcProtocol.MessageTrailer));
        Finish(status, ResponseProtocol.ToMetadata(trailers));
    }

    // ---- settling the outcome ----

    private bool ThrowIfFailed()
    {
        var outcome = _outcome!;
        return outcome.Status.StatusCode == StatusCode.OK ? false : throw new RpcException(outcome.Status, outcome.Trailers);
    }

    /// <summary>Ends the call with the status an exception stands for, unless it already has one.</summary>
    private void Fail(Exception ex)
    {
        if (_outcome is not null)
        {
            return;
        }

        if (_token.IsCancellationRequested)
        {
            Finish(CancellationStatus(), NoMetadata);
            return;
        }

        Finish(ResponseProtocol.FromTransportException(ex, _channel.Address), ex is RpcException rpc ? rpc.Trailers : NoMetadata);
    }

    /// <summary>Why the token fired: the caller (CallOptions token or a read/write token), disposal, or else the deadline timer.</summary>
    private Status CancellationStatus() =>
        _cancelledByCaller || _options.CancellationToken.IsCancellationRequested ? Status.DefaultCancelled
        : _disposed ? Status.Disposed
        : _deadline is not null ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
        : Status.DefaultCancelled;

    private void Finish(Status status, Metadata trailers)
    {
        if (Interlocked.CompareExchange(ref _outcome, new Outcome(status, trailers), null) is not null)
        {
            return;
        }

        if (status.StatusCode != StatusCode.OK)
        {
            // Reset the HTTP/2 stream (the server sees the cancellation) and release whoever waits on the call.
            TryCancel();
            if (_headers.TrySetException(new RpcException(status, trailers)))
            {
                _ = _headers.Task.Exception; // observed: nobody has to ask for the headers
            }

            _requestContent?.Abort();
            _response?.Dispose();
        }
        else
        {
            _headers.TrySetResult(NoMetadata);
            _requestContent?.Complete();
        }
    }

    private void TryCancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Releases the HTTP response, the timer and the caller's token registration once the call has its status.</summary>
    private void Cleanup()
    {
        if (_outcome is null)
        {
            return;
        }

        _callerRegistration.Dispose();
        _reader?.Complete();
        _response?.Dispose();
        try
        {
            // Unschedules the deadline timer; the source itself stays usable for writers still holding its token.
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private sealed record Outcome(Status Status, Metadata Trailers);
}
