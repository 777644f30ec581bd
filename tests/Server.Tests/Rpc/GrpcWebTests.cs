using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.TestObjects;

namespace Atom.Server.Tests.Rpc;

/// <summary>gRPC-Web, binary and text, over HTTP/1.1 as browsers send it.</summary>
public sealed class GrpcWebTests(TestServer server) : IClassFixture<TestServer>
{
    [Theory]
    [InlineData("application/grpc-web")]
    [InlineData("application/grpc-web+proto")]
    public async Task Binary_unary_returns_the_message_then_a_trailers_frame(string contentType)
    {
        var (response, frames) = await CallAsync("/atomtest.v1.EchoService/Echo", GrpcWire.Frame(new EchoRequest { Message = "web" }), contentType, text: false);

        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0, frames[0].Flags);
        Assert.Equal("web", EchoResponse.Parser.ParseFrom(frames[0].Payload).Message);
        Assert.Equal(0x80, frames[1].Flags);
        Assert.Equal("0", Trailers(frames[1])["grpc-status"]);
    }

    [Fact]
    public async Task Binary_server_streaming_sends_every_message_then_trailers()
    {
        var (_, frames) = await CallAsync("/atomtest.v1.EchoService/Count", GrpcWire.Frame(new CountRequest { Count = 3 }), "application/grpc-web", text: false);

        Assert.Equal(4, frames.Count);
        Assert.Equal(["#0", "#1", "#2"], frames.Take(3).Select(f => EchoResponse.Parser.ParseFrom(f.Payload).Message));
        Assert.Equal("0", Trailers(frames[3])["grpc-status"]);
    }

    [Fact]
    public async Task Binary_error_carries_status_and_message_in_the_trailers_frame()
    {
        var (response, frames) = await CallAsync("/atomtest.v1.EchoService/Echo", GrpcWire.Frame(new EchoRequest { FailWithCode = 3 }), "application/grpc-web", text: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trailers = Trailers(frames.Single());
        Assert.Equal("3", trailers["grpc-status"]);
        Assert.Contains("fail_with_code", trailers["grpc-message"], StringComparison.Ordinal);
        Assert.True(trailers.ContainsKey("grpc-status-details-bin"));
    }

    [Fact]
    public async Task Text_unary_round_trips_in_base64()
    {
        var body = Encoding.ASCII.GetBytes(Convert.ToBase64String(GrpcWire.Frame(new EchoRequest { Message = "text" })));
        var (response, frames) = await CallAsync("/atomtest.v1.EchoService/Echo", body, "application/grpc-web-text", text: true);

        Assert.Equal("application/grpc-web-text+proto", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text", EchoResponse.Parser.ParseFrom(frames[0].Payload).Message);
        Assert.Equal("0", Trailers(frames[^1])["grpc-status"]);
    }

    [Fact]
    public async Task Text_body_of_two_separately_padded_base64_chunks_is_one_request()
    {
        var frame = GrpcWire.Frame(new EchoRequest { Message = "chunky" });
        var first = Convert.ToBase64String(frame[..4]);
        var second = Convert.ToBase64String(frame[4..]);
        Assert.EndsWith("=", first, StringComparison.Ordinal);
        var (_, frames) = await CallAsync("/atomtest.v1.EchoService/Echo", Encoding.ASCII.GetBytes(first + second), "application/grpc-web-text", text: true);

        Assert.Equal("chunky", EchoResponse.Parser.ParseFrom(frames[0].Payload).Message);
        Assert.Equal("0", Trailers(frames[^1])["grpc-status"]);
    }

    [Fact]
    public async Task Text_server_streaming_sends_every_message_then_trailers()
    {
        var body = Encoding.ASCII.GetBytes(Convert.ToBase64String(GrpcWire.Frame(new CountRequest { Count = 3 })));
        var (_, frames) = await CallAsync("/atomtest.v1.EchoService/Count", body, "application/grpc-web-text+proto", text: true);

        Assert.Equal(4, frames.Count);
        Assert.Equal([0, 1, 2], frames.Take(3).Select(f => EchoResponse.Parser.ParseFrom(f.Payload).Index));
        Assert.Equal(0x80, frames[3].Flags);
        Assert.Equal("0", Trailers(frames[3])["grpc-status"]);
    }

    [Fact]
    public async Task Text_body_that_is_not_base64_is_internal()
    {
        var (_, frames) = await CallAsync("/atomtest.v1.EchoService/Echo", "not base64!"u8.ToArray(), "application/grpc-web-text", text: true);

        Assert.Equal("13", Trailers(frames.Single())["grpc-status"]);
    }

    [Fact]
    public async Task Cors_preflight_allows_the_origin_and_the_grpc_web_headers()
    {
        using var client = server.CreateHttp1Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/atomtest.v1.EchoService/Echo");
        preflight.Headers.Add("Origin", "http://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent,grpc-timeout");
        using var response = await client.SendAsync(preflight);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-grpc-web", allowed, StringComparison.Ordinal);
        Assert.Contains("grpc-timeout", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_response_exposes_grpc_status_and_message()
    {
        using var client = server.CreateHttp1Client();
        using var content = new ByteArrayContent(GrpcWire.Frame(new EchoRequest { Message = "cors" }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/atomtest.v1.EchoService/Echo") { Content = content };
        request.Headers.Add("Origin", "http://app.example");
        using var response = await client.SendAsync(request);

        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(',', response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("grpc-status", exposed, StringComparison.Ordinal);
        Assert.Contains("grpc-message", exposed, StringComparison.Ordinal);
    }

    private async Task<(HttpResponseMessage Response, List<(byte Flags, byte[] Payload)> Frames)> CallAsync(string path, byte[] body, string contentType, bool text)
    {
        using var client = server.CreateHttp1Client();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("x-grpc-web", "1");
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (text)
        {
            // Each frame is padded base64 on its own: decode in runs that end at padding.
            bytes = DecodeChunkedBase64(Encoding.ASCII.GetString(bytes));
        }

        var frames = new List<(byte, byte[])>();
        var span = bytes.AsSpan();
        while (span.Length > 0)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(span[1..5]);
            frames.Add((span[0], span.Slice(5, length).ToArray()));
            span = span[(5 + length)..];
        }

        return (response, frames);
    }

    private static byte[] DecodeChunkedBase64(string text)
    {
        var output = new List<byte>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var atChunkEnd = i == text.Length || (text[i] != '=' && i > 0 && text[i - 1] == '=');
            if (atChunkEnd && i > start)
            {
                output.AddRange(Convert.FromBase64String(text[start..i]));
                start = i;
            }
        }

        return [.. output];
    }

    private static Dictionary<string, string> Trailers((byte Flags, byte[] Payload) frame)
    {
        Assert.Equal(0x80, frame.Flags);
        return Encoding.ASCII.GetString(frame.Payload)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim().ToLowerInvariant(), parts => parts[1].Trim());
    }
}
