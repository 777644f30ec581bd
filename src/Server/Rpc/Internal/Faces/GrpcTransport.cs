using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using Atom.Sdk;
using Atom.Sdk.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Atom.Server.Rpc.Internal.Faces;

/// <summary>
/// The gRPC wire on a call: length-prefixed messages in the body. Native gRPC sends the status in HTTP/2
/// trailers (or, before anything else was sent, as a trailers-only response); gRPC-Web sends it as a
/// final body frame flagged 0x80, base64-encoded like everything else in text mode.
/// </summary>
internal sealed class GrpcTransport : RpcTransport
{
    private readonly HttpContext _http;
    private readonly PipeReader _input;
    private readonly RpcFace _face;
    private readonly int _maxReceive;
    private readonly int _maxSend;
    private readonly string? _requestEncoding;
    private bool _headersSent;
    private bool _messageWritten;
    private bool? _gzipResponses;

    public GrpcTransport(HttpContext http, PipeReader input, RpcFace face, AtomRpcOptions options, string? requestEncoding)
    {
        _http = http;
        _input = input;
        _face = face;
        _maxReceive = options.MaxReceiveMessageSize;
        _maxSend = options.MaxSendMessageSize ?? int.MaxValue;
        _requestEncoding = requestEncoding;

        var response = http.Response;
        response.ContentType = face switch
        {
            RpcFace.GrpcWeb => GrpcProtocol.WebContentTypeProto,
            RpcFace.GrpcWebText => GrpcProtocol.WebTextContentTypeProto,
            _ => GrpcProtocol.ContentType,
        };
    }

    public override bool ResponseStarted => _headersSent || _messageWritten;

    private bool IsWeb => _face != RpcFace.Grpc;

    public override async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var result = await ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (MessageFraming.TryReadFrame(ref buffer, _maxReceive, out var flags, out var payload))
                {
                    // The frame is consumed whatever its content: a message that cannot be decoded leaves the stream
                    // readable, and the handler decides whether that ends the call. Nothing after the frame has been
                    // examined yet: the next read must see a frame that arrived together with this one at once.
                    consumed = buffer.Start;
                    examined = consumed;
                    return ParseStreamed(flags, payload, parser);
                }

                if (result.IsCompleted)
                {
                    consumed = buffer.End;
                    return buffer.Length == 0 ? null : throw Incomplete(buffer.Length);
                }
            }
            finally
            {
                // Everything up to 'consumed' is done with; up to 'examined' has been looked at and needs more data.
                _input.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>
    /// A unary request is one frame and then the end of the stream, which nearly always arrive together:
    /// read to the end and parse once, in a single async step rather than two nested reads.
    /// </summary>
    public override async ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var result = await ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                if (!result.IsCompleted)
                {
                    // Refuse an oversized frame from its header, before buffering it; otherwise wait for the end.
                    var header = buffer;
                    MessageFraming.TryReadFrame(ref header, _maxReceive, out _, out _);
                    continue;
                }

                var message = TryParseFrame(ref buffer, parser) ?? (buffer.Length == 0
                    ? throw new RpcException(new Status(StatusCode.Internal, "The request stream ended before the request message."))
                    : throw Incomplete(buffer.Length));
                return buffer.Length == 0
                    ? message
                    : throw new RpcException(new Status(StatusCode.Internal, "The request stream has more than one message for a method that takes one."));
            }
            finally
            {
                _input.AdvanceTo(result.IsCompleted ? result.Buffer.End : result.Buffer.Start, result.Buffer.End);
            }
        }
    }

    public override async ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var gzip = _gzipResponses ??= DecideCompression();
        var output = _http.Response.BodyWriter;
        if (_face == RpcFace.GrpcWebText)
        {
            var frame = new ArrayBufferWriter<byte>();
            MessageFraming.WriteFrame(frame, message, gzip, _maxSend);
            WriteBase64(output, frame.WrittenSpan);
        }
        else
        {
            MessageFraming.WriteFrame(output, message, gzip, _maxSend);
        }

        _messageWritten = true;
        if (flush)
        {
            var result = await output.FlushAsync(cancellationToken);
            if (result.IsCanceled || result.IsCompleted)
            {
                throw new RpcException(Status.DefaultCancelled);
            }
        }
    }

    public override async Task WriteHeadersAsync(Metadata headers, CancellationToken cancellationToken)
    {
        if (ResponseStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once, before the first response message.");
        }

        _gzipResponses ??= DecideCompression();
        HeaderMapping.AddTo(_http.Response.Headers, headers);
        _headersSent = true;
        await _http.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    public override async ValueTask CompleteAsync(Status status, Metadata? trailers)
    {
        if (IsWeb)
        {
            await WriteWebTrailersAsync(status, trailers);
            return;
        }

        var response = _http.Response;
        if (!ResponseStarted && !response.HasStarted)
        {
            // Trailers-only: one HEADERS frame with END_STREAM carries the status.
            SetStatus(response.Headers, status, trailers);
            return;
        }

        var trailerFeature = _http.Features.Get<IHttpResponseTrailersFeature>();
        if (trailerFeature is null)
        {
            return;
        }

        SetStatus(trailerFeature.Trailers, status, trailers);
    }

    private async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _input.ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            // The caller reset the stream (RST_STREAM CANCEL) or went away.
            throw new RpcException(Status.DefaultCancelled);
        }
    }

    /// <summary>Takes one whole frame off the buffer and parses it; null when the frame is not all there yet.</summary>
    private T? TryParseFrame<T>(ref ReadOnlySequence<byte> buffer, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        if (!MessageFraming.TryReadFrame(ref buffer, _maxReceive, out var flags, out var payload))
        {
            return null;
        }

        if ((flags & ~GrpcProtocol.CompressedFlag) != 0)
        {
            throw new RpcException(StatusCode.Internal, $"Unexpected message flags 0x{flags:X2}.", AtomErrors.Info(V1.ErrorReason.MalformedRequest));
        }

        return MessageFraming.ParsePayload(flags, payload, parser, _requestEncoding, _maxReceive);
    }

    private T ParseStreamed<T>(byte flags, ReadOnlySequence<byte> payload, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        try
        {
            if ((flags & ~GrpcProtocol.CompressedFlag) != 0)
            {
                throw new RpcException(StatusCode.Internal, $"Unexpected message flags 0x{flags:X2}.", AtomErrors.Info(V1.ErrorReason.MalformedRequest));
            }

            return MessageFraming.ParsePayload(flags, payload, parser, _requestEncoding, _maxReceive);
        }
        catch (RpcException ex)
        {
            throw new RequestMessageException(ex);
        }
    }

    private static RpcException Incomplete(long length) => new(StatusCode.Internal,
        $"The request ended inside a message: {length} byte(s) of an incomplete frame.",
        AtomErrors.Info(V1.ErrorReason.MalformedRequest));

    private bool DecideCompression()
    {
        var wanted = ResponseCompression;
        if (wanted is null || string.Equals(wanted, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Only compress what the caller said it can read.
        if (!string.Equals(wanted, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase)
            || !HeaderMapping.ListContains(_http.Request.Headers[GrpcProtocol.AcceptEncodingHeader], GrpcProtocol.GzipEncoding))
        {
            return false;
        }

        _http.Response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.GzipEncoding;
        return true;
    }

    private static void SetStatus(IHeaderDictionary headers, Status status, Metadata? trailers)
    {
        headers[GrpcProtocol.StatusTrailer] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status.Detail.Length > 0)
        {
            headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(status.Detail);
        }

        if (trailers is not null)
        {
            HeaderMapping.AddTo(headers, trailers);
        }
    }

    private async ValueTask WriteWebTrailersAsync(Status status, Metadata? trailers)
    {
        var block = new StringBuilder()
            .Append(GrpcProtocol.StatusTrailer).Append(": ").Append((int)status.StatusCode).Append("\r\n");
        if (status.Detail.Length > 0)
        {
            block.Append(GrpcProtocol.MessageTrailer).Append(": ").Append(PercentEncoding.Encode(status.Detail)).Append("\r\n");
        }

        if (trailers is not null)
        {
            foreach (var entry in trailers)
            {
                block.Append(entry.Key).Append(": ").Append(entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value).Append("\r\n");
            }
        }

        var bytes = Encoding.ASCII.GetBytes(block.ToString());
        var frame = new ArrayBufferWriter<byte>(GrpcProtocol.HeaderSize + bytes.Length);
        MessageFraming.WriteHeader(frame, GrpcProtocol.TrailersFlag, bytes.Length);
        frame.Write(bytes);

        var output = _http.Response.BodyWriter;
        if (_face == RpcFace.GrpcWebText)
        {
            WriteBase64(output, frame.WrittenSpan);
        }
        else
        {
            output.Write(frame.WrittenSpan);
        }

        await output.FlushAsync();
    }

    /// <summary>Encodes one frame as padded base64; gRPC-Web text readers decode in 4-character groups, so padding between frames is allowed.</summary>
    private static void WriteBase64(PipeWriter output, ReadOnlySpan<byte> frame)
    {
        var length = Base64.GetMaxEncodedToUtf8Length(frame.Length);
        var span = output.GetSpan(length);
        Base64.EncodeToUtf8(frame, span, out _, out var written);
        output.Advance(written);
    }
}
