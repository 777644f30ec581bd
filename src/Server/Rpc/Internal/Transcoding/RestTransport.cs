using System.Text;
using Atom.Sdk;
using Atom.Sdk.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// The REST face of one call. The request is the message bound from path, query and body, read once.
/// A unary response waits for the status, so the HTTP status can say how the call went: 200 and the JSON
/// message, or the mapped status and a google.rpc.Status body. A server stream is NDJSON, one message a
/// line, flushed per message; an error after the first line ends it with <c>{"error": Status}</c>.
/// </summary>
internal sealed class RestTransport(HttpContext http, RestRoute route, string[] pathValues, int maxReceiveMessageSize) : RpcTransport
{
    public const string NdjsonContentType = "application/x-ndjson; charset=utf-8";

    private const string TrailerHeaderPrefix = "grpc-trailer-";

    private bool _requestRead;
    private bool _streamStarted;
    private bool _headersWritten;
    private IMessage? _response;

    public override bool ResponseStarted => _streamStarted || _headersWritten || _response is not null;

    public override async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class
    {
        if (_requestRead)
        {
            return null;
        }

        _requestRead = true;
        return (T)await RestRequestBinder.BindAsync(http, route, pathValues, maxReceiveMessageSize, cancellationToken);
    }

    public override async ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!route.IsServerStreaming)
        {
            // Held until the status is known: an error after the handler still gets its HTTP status.
            _response = message;
            return;
        }

        var response = http.Response;
        if (!_streamStarted)
        {
            StartStream();
        }

        // One write per line: a line never reaches the caller in pieces.
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(FormatResponse(message) + "\n"), cancellationToken);
        if (flush)
        {
            await response.Body.FlushAsync(cancellationToken);
        }
    }

    public override async Task WriteHeadersAsync(Metadata headers, CancellationToken cancellationToken)
    {
        if (ResponseStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once, before the first response message.");
        }

        HeaderMapping.AddTo(http.Response.Headers, headers);
        _headersWritten = true;
        if (route.IsServerStreaming)
        {
            // A stream commits to 200 with its headers, as gRPC commits to its response headers.
            StartStream();
            await http.Response.Body.FlushAsync(cancellationToken);
        }
    }

    public override async ValueTask CompleteAsync(Status status, Metadata? trailers)
    {
        var response = http.Response;
        if (_streamStarted)
        {
            if (status.StatusCode != StatusCode.OK)
            {
                var error = RpcJson.Formatter.Format(RpcJson.ToRpcStatus(status, trailers));
                await response.WriteAsync("{\"error\":" + error + "}\n");
            }

            await response.Body.FlushAsync();
            return;
        }

        if (trailers is not null)
        {
            foreach (var entry in trailers)
            {
                if (!GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    response.Headers.Append(TrailerHeaderPrefix + entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
                }
            }
        }

        if (status.StatusCode != StatusCode.OK)
        {
            await RpcJson.WriteHttpErrorAsync(http, HttpStatusMapping.FromStatusCode(status.StatusCode), new RpcException(status, trailers ?? new Metadata()));
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        if (route.IsServerStreaming)
        {
            // A stream that sent nothing: an empty NDJSON body.
            response.ContentType = NdjsonContentType;
            return;
        }

        response.ContentType = RpcJson.ContentType;
        var body = _response is null ? "{}" : FormatResponse(_response);
        await response.WriteAsync(body + "\n");
    }

    private void StartStream()
    {
        _streamStarted = true;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = NdjsonContentType;
    }

    private string FormatResponse(IMessage message)
    {
        if (route.ResponseField is null)
        {
            return RpcJson.Formatter.Format(message);
        }

        var value = route.ResponseField.Leaf.Accessor.GetValue(message);
        if (value is IMessage field)
        {
            return RpcJson.Formatter.Format(field);
        }

        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        if (value is null)
        {
            writer.Write("null");
        }
        else
        {
            RpcJson.Formatter.WriteValue(writer, value);
        }

        return writer.ToString();
    }
}
