using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Atom.Sdk.Internal.Client;

/// <summary>Reads what a server sends back: status, headers and trailers as metadata, gRPC-Web trailer frames, HTTP-level failures.</summary>
internal static class ResponseProtocol
{
    public static string? HeaderValue(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    /// <summary>The application's metadata from headers or trailers: protocol headers left out, -bin values decoded.</summary>
    public static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(key) || !IsValidKey(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                MetadataCodec.AddHeaderValue(metadata, key, value);
            }
        }

        return metadata;
    }

    /// <summary>Status from grpc-status and grpc-message values; an unparsable code is UNKNOWN.</summary>
    public static Status ParseStatus(string statusValue, string? message)
    {
        var detail = message is null ? string.Empty : PercentEncoding.Decode(message);
        if (!int.TryParse(statusValue, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"Invalid grpc-status '{statusValue}' in the response. {detail}".TrimEnd());
        }

        return new Status(code is >= 0 and <= (int)StatusCode.Unauthenticated ? (StatusCode)code : StatusCode.Unknown, detail);
    }

    /// <summary>The status of a response without grpc-status, from its HTTP status (gRPC's http-grpc-status-mapping).</summary>
    public static Status FromHttpStatus(HttpStatusCode httpStatus)
    {
        var code = httpStatus switch
        {
            HttpStatusCode.BadRequest => StatusCode.Internal,
            HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
            HttpStatusCode.NotFound => StatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new Status(code, $"Bad gRPC response: HTTP status {(int)httpStatus} {httpStatus} without grpc-status.");
    }

    /// <summary>Parses a gRPC-Web trailers frame: "key: value" lines separated by CRLF.</summary>
    public static (Status Status, Metadata Trailers) ParseWebTrailers(ReadOnlySequence<byte> block)
    {
        var text = Encoding.ASCII.GetString(block);
        var trailers = new Metadata();
        string? status = null;
        string? message = null;
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case GrpcProtocol.StatusTrailer:
                    status = value;
                    break;
                case GrpcProtocol.MessageTrailer:
                    message = value;
                    break;
                default:
                    if (!GrpcProtocol.IsReservedHeader(key) && IsValidKey(key))
                    {
                        MetadataCodec.AddHeaderValue(trailers, key, value);
                    }

                    break;
            }
        }

        return status is null
            ? (new Status(StatusCode.Internal, "Bad gRPC-Web response: the trailers frame has no grpc-status."), trailers)
            : (ParseStatus(status, message), trailers);
    }

    /// <summary>The status of a transport failure (not a cancellation by the caller or the deadline).</summary>
    public static Status FromTransportException(Exception ex, Uri address) => ex switch
    {
        RpcException rpc => rpc.Status,
        HttpProtocolException protocol => new Status(Http2ErrorToStatus(protocol.ErrorCode), $"HTTP/2 error code {protocol.ErrorCode} from the server: {protocol.Message}"),
        HttpRequestException request => new Status(StatusCode.Unavailable, $"Error connecting to {address}: {Innermost(request).Message}"),
        OperationCanceledException => new Status(StatusCode.Unavailable, $"Timed out connecting to {address}."),
        IOException io => new Status(StatusCode.Unavailable, $"The connection to {address} failed: {Innermost(io).Message}"),
        _ => new Status(StatusCode.Internal, $"Error in the call: {ex.GetType().Name}: {ex.Message}"),
    };

    // https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#errors (RST_STREAM codes seen by a client).
    private static StatusCode Http2ErrorToStatus(long errorCode) => errorCode switch
    {
        // NO_ERROR before the trailers: a server that finished the call sends them first, so this is the connection
        // closing under the call (GOAWAY as the server shuts down), which the spec's transport failures make UNAVAILABLE.
        0x0 => StatusCode.Unavailable,
        0x7 => StatusCode.Unavailable,       // REFUSED_STREAM
        0x8 => StatusCode.Cancelled,         // CANCEL
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static bool IsValidKey(string key)
    {
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetter(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return key.Length > 0;
    }
}
