using System.Buffers.Binary;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>Hand-made gRPC frames and requests, for testing the server at the byte level.</summary>
public static class GrpcWire
{
    public static byte[] Frame(IMessage message, byte flags = 0) => Frame(message.ToByteArray(), flags);

    public static byte[] Frame(byte[] payload, byte flags = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static HttpRequestMessage Request(string path, byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>The grpc-status of a response: from the trailers, or from the headers of a trailers-only response.</summary>
    public static int? GrpcStatus(HttpResponseMessage response)
    {
        if (response.TrailingHeaders.TryGetValues("grpc-status", out var trailer))
        {
            return int.Parse(trailer.First(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Headers.TryGetValues("grpc-status", out var header) ? int.Parse(header.First(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public static string? GrpcMessage(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-message", out var trailer) ? trailer.First()
        : response.Headers.TryGetValues("grpc-message", out var header) ? header.First() : null;
}
