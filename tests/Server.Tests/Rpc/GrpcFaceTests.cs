using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.TestObjects;

namespace Atom.Server.Tests.Rpc;

public sealed class GrpcFaceTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Unary_call_returns_the_echo_with_status_ok()
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request("/atomtest.v1.EchoService/Echo", GrpcWire.Frame(new EchoRequest { Message = "hi" })));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, GrpcWire.GrpcStatus(response));
        Assert.Equal("hi", EchoResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()).Message);
    }
}
