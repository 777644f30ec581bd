using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Atom.Google.Rpc;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.TestObjects;
using Google.Protobuf;

namespace Atom.Server.Tests.Rpc;

/// <summary>Bad input at the byte level: each case gets its precise status, and the server keeps serving.</summary>
public sealed class WireErrorTests(TestServer server) : IClassFixture<TestServer>
{
    private const string EchoPath = "/atomtest.v1.EchoService/Echo";
    private const int Internal = 13;
    private const int ResourceExhausted = 8;
    private const int Unimplemented = 12;
    private const int DeadlineExceeded = 4;

    [Fact]
    public async Task Truncated_frame_is_internal()
    {
        var frame = GrpcWire.Frame(new EchoRequest { Message = "truncated" });
        await AssertStatusAsync(frame[..^3], Internal);
    }

    [Fact]
    public async Task Truncated_frame_header_is_internal()
    {
        await AssertStatusAsync([0, 0, 0], Internal);
    }

    [Fact]
    public async Task Length_prefix_over_the_limit_is_resource_exhausted()
    {
        var header = new byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 4 * 1024 * 1024 + 1);
        await AssertStatusAsync([.. header, 1, 2, 3], ResourceExhausted);
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_internal()
    {
        await AssertStatusAsync(GrpcWire.Frame(Gzip(new EchoRequest { Message = "x" }.ToByteArray()), flags: 1), Internal);
    }

    [Fact]
    public async Task Unsupported_grpc_encoding_is_unimplemented()
    {
        await AssertStatusAsync(GrpcWire.Frame(new EchoRequest { Message = "x" }.ToByteArray(), flags: 1), Unimplemented, encoding: "snappy");
    }

    [Fact]
    public async Task Corrupt_gzip_is_internal()
    {
        var gzip = Gzip(new EchoRequest { Message = new string('x', 100) }.ToByteArray());
        gzip[gzip.Length / 2] ^= 0xFF;
        gzip[(gzip.Length / 2) + 1] ^= 0xFF;
        await AssertStatusAsync(GrpcWire.Frame(gzip, flags: 1), Internal, encoding: "gzip");
    }

    [Fact]
    public async Task Gzip_bomb_over_the_limit_is_resource_exhausted()
    {
        var bomb = Gzip(new byte[5 * 1024 * 1024]);
        Assert.True(bomb.Length < 64 * 1024);
        await AssertStatusAsync(GrpcWire.Frame(bomb, flags: 1), ResourceExhausted, encoding: "gzip");
    }

    [Fact]
    public async Task Valid_gzip_request_is_ok()
    {
        using var client = server.CreateHttp2Client();
        var request = GrpcWire.Request(EchoPath, GrpcWire.Frame(Gzip(new EchoRequest { Message = "zipped" }.ToByteArray()), flags: 1));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(0, GrpcWire.GrpcStatus(response));
        Assert.Equal("zipped", EchoResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()).Message);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/grpc+json")]
    public async Task Unknown_content_types_are_415(string contentType)
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request(EchoPath, GrpcWire.Frame(new EchoRequest()), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("1x")]
    [InlineData("123456789S")]
    [InlineData("S")]
    [InlineData("-1m")]
    public async Task Malformed_grpc_timeout_is_internal_with_invalid_header(string timeout)
    {
        using var client = server.CreateHttp2Client();
        var request = GrpcWire.Request(EchoPath, GrpcWire.Frame(new EchoRequest { Message = "x" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(Internal, GrpcWire.GrpcStatus(response));
        var details = response.Headers.TryGetValues("grpc-status-details-bin", out var values) ? values.First()
            : response.TrailingHeaders.GetValues("grpc-status-details-bin").First();
        var status = Status.Parser.ParseFrom(Convert.FromBase64String(Pad(details)));
        Assert.Equal(Internal, status.Code);
        var info = status.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal("INVALID_HEADER", info.Reason);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Zero_grpc_timeout_is_deadline_exceeded()
    {
        await AssertStatusAsync(GrpcWire.Frame(new EchoRequest { Message = "x" }), DeadlineExceeded, timeout: "0m");
    }

    [Fact]
    public async Task Short_timeout_on_a_slow_call_is_deadline_exceeded()
    {
        await AssertStatusAsync(GrpcWire.Frame(new EchoRequest { Message = "x", DelayMs = 5000 }), DeadlineExceeded, timeout: "100m");
    }

    [Theory]
    [InlineData("/atomtest.v1.NoSuchService/Echo", "NoSuchService")]
    [InlineData("/atomtest.v1.EchoService/NoSuchMethod", "NoSuchMethod")]
    public async Task Unknown_service_or_method_is_unimplemented(string path, string named)
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request(path, GrpcWire.Frame(new EchoRequest())));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Unimplemented, GrpcWire.GrpcStatus(response));
        Assert.Contains(named, GrpcWire.GrpcMessage(response), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Get_on_a_grpc_path_is_405()
    {
        using var client = server.CreateHttp2Client();
        using var bare = await client.GetAsync(EchoPath);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, bare.StatusCode);
        Assert.Contains("POST", bare.Content.Headers.Allow);

        using var withContentType = new HttpRequestMessage(HttpMethod.Get, EchoPath) { Content = new ByteArrayContent([]), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        withContentType.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var grpc = await client.SendAsync(withContentType);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, grpc.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Grpc_over_http1_is_426()
    {
        using var client = server.CreateHttp1Client();
        using var content = new ByteArrayContent(GrpcWire.Frame(new EchoRequest { Message = "x" }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await client.PostAsync(EchoPath, content);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Two_messages_to_a_unary_method_is_internal()
    {
        await AssertStatusAsync([.. GrpcWire.Frame(new EchoRequest { Message = "a" }), .. GrpcWire.Frame(new EchoRequest { Message = "b" })], Internal);
    }

    [Fact]
    public async Task Empty_body_to_a_unary_method_is_internal()
    {
        await AssertStatusAsync([], Internal);
    }

    [Fact]
    public async Task Undecodable_message_is_internal()
    {
        await AssertStatusAsync(GrpcWire.Frame([0xFF, 0xFF, 0xFF]), Internal);
    }

    [Fact]
    public async Task Client_streaming_collect_over_raw_http2()
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, "/atomtest.v1.EchoService/Collect");
        foreach (var word in new[] { "one", "two", "three" })
        {
            await call.SendAsync(new EchoRequest { Message = word });
        }

        call.Complete();
        var response = await call.ReadAsync(EchoResponse.Parser);

        Assert.Equal(3, response!.Index);
        Assert.Equal("3 messages, 11 chars", response.Message);
        Assert.Equal(0, await call.StatusAsync());
    }

    [Fact]
    public async Task Duplex_chat_over_raw_http2_answers_each_message_before_the_next_is_sent()
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, "/atomtest.v1.EchoService/Chat");
        for (var i = 0; i < 3; i++)
        {
            await call.SendAsync(new EchoRequest { Message = $"m{i}" });
            var response = await call.ReadAsync(EchoResponse.Parser);
            Assert.Equal($"m{i}", response!.Message);
            Assert.Equal(i, response.Index);
        }

        call.Complete();
        Assert.Null(await call.ReadAsync(EchoResponse.Parser));
        Assert.Equal(0, await call.StatusAsync());
    }

    [Fact]
    public async Task Duplex_messages_arriving_in_one_packet_are_all_served_without_waiting_for_more()
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, "/atomtest.v1.EchoService/Chat");

        // Three frames in one write: the server must not wait for more bytes after taking the first one off.
        await call.SendRawAsync([.. GrpcWire.Frame(new EchoRequest { Message = "a" }), .. GrpcWire.Frame(new EchoRequest { Message = "b" }), .. GrpcWire.Frame(new EchoRequest { Message = "c" })]);
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await call.ReadAsync(EchoResponse.Parser))!.Message);
        }

        call.Complete();
        Assert.Equal(["a", "b", "c"], answers);
        Assert.Null(await call.ReadAsync(EchoResponse.Parser));
    }

    [Fact]
    public async Task Truncated_frame_in_a_client_stream_is_internal()
    {
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, "/atomtest.v1.EchoService/Collect");
        await call.SendAsync(new EchoRequest { Message = "fine" });
        await call.SendRawAsync(GrpcWire.Frame(new EchoRequest { Message = "cut short" })[..^2]);
        call.Complete();

        Assert.Equal(Internal, await call.StatusAsync());
        await AssertStillServingAsync();
    }

    private async Task AssertStatusAsync(byte[] body, int expected, string? encoding = null, string? timeout = null)
    {
        using var client = server.CreateHttp2Client();
        var request = GrpcWire.Request(EchoPath, body);
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        if (timeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, GrpcWire.GrpcStatus(response));
        Assert.False(string.IsNullOrEmpty(GrpcWire.GrpcMessage(response)));
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request(EchoPath, GrpcWire.Frame(new EchoRequest { Message = "still here" })));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(0, GrpcWire.GrpcStatus(response));
        Assert.Equal("still here", EchoResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()).Message);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string Pad(string base64) => (base64.Length % 4) switch
    {
        2 => base64 + "==",
        3 => base64 + "=",
        _ => base64,
    };
}
