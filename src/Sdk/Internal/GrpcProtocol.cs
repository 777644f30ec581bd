namespace Atom.Sdk.Internal;

/// <summary>Names and constants of the gRPC wire protocol (PROTOCOL-HTTP2 and PROTOCOL-WEB).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string WebContentType = "application/grpc-web";
    public const string WebContentTypeProto = "application/grpc-web+proto";
    public const string WebTextContentType = "application/grpc-web-text";
    public const string WebTextContentTypeProto = "application/grpc-web-text+proto";

    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string StatusDetailsTrailer = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string UserAgentHeader = "user-agent";

    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>The encodings this implementation can read, advertised in grpc-accept-encoding.</summary>
    public const string SupportedEncodings = "identity,gzip";

    public const int HeaderSize = 5;
    public const byte CompressedFlag = 0x01;

    /// <summary>gRPC-Web marks the frame that carries trailers with the high bit of the flags byte.</summary>
    public const byte TrailersFlag = 0x80;

    /// <summary>The default limit on a received message: 4 MiB, as in every gRPC implementation.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Headers the protocol owns; they never appear in an application's <see cref="Metadata"/>.</summary>
    /// <remarks>grpc-status-details-bin is the exception: it is how rich errors reach the application.</remarks>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith(':')
        || (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, StatusDetailsTrailer, StringComparison.OrdinalIgnoreCase))
        || name.ToLowerInvariant() is "content-type" or "te" or "host" or "user-agent" or "content-length" or "accept-encoding"
            or "content-encoding" or "connection" or "transfer-encoding" or "date" or "server" or "keep-alive"
            or "access-control-expose-headers" or "access-control-allow-origin" or "vary";

    public static bool IsGrpcContentType(string? contentType) =>
        contentType is not null
        && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';');
}
