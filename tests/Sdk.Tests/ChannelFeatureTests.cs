using System.Net;
using System.Net.Sockets;
using Atom.Sdk.Tests.Infrastructure;
using Atom.Sdk.Tests.TestObjects;
using Grpc.Testing;
using static Atom.Sdk.Tests.InteropTests;

namespace Atom.Sdk.Tests;

/// <summary>What the channel adds beyond the interop cases: compression, gRPC-Web, credentials, retries, limits, failures.</summary>
public sealed class ChannelFeatureTests(TestServiceServer server) : IClassFixture<TestServiceServer>
{
    [Fact]
    public async Task Gzip_RequestAndResponse()
    {
        var handler = new RecordingHandler();
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { HttpHandler = handler, DisposeHttpHandler = true });
        var id = NewId();
        var response = await new TestServiceClient(channel).UnaryCallAsync(
            new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828), ResponseCompressed = new BoolValue { Value = true }, ExpectCompressed = new BoolValue { Value = true } },
            new CallOptions { RequestCompression = "gzip", Headers = new Metadata().Add("x-test-id", id) });

        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.Equal("gzip", HeaderRecordingInterceptor.Seen[id]["grpc-encoding"]);
        Assert.True(handler.LastResponse!.Headers.NonValidated.TryGetValues("grpc-encoding", out var encoding));
        Assert.Equal("gzip", encoding.ToString());
    }

    [Fact]
    public async Task Gzip_ClientStreaming()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        var id = NewId();
        using var call = new TestServiceClient(channel).StreamingInputCall(new CallOptions { RequestCompression = "gzip", Headers = new Metadata().Add("x-test-id", id) });
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(27182) });
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(8) });
        await call.RequestStream.CompleteAsync();
        Assert.Equal(27190, (await call.ResponseAsync).AggregatedPayloadSize);
        Assert.Equal("gzip", HeaderRecordingInterceptor.Seen[id]["grpc-encoding"]);
    }

    [Fact]
    public async Task BufferHint_BufferedWritesGoOutWithTheNextUnbufferedOne_InOrder()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        using var call = new TestServiceClient(channel).FullDuplexCall();
        int[] sizes = [11, 22, 33, 44];
        for (var i = 0; i < sizes.Length; i++)
        {
            call.RequestStream.WriteOptions = i < sizes.Length - 1 ? WriteOptions.Buffered : null;
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = sizes[i] } } });
        }

        foreach (var size in sizes)
        {
            Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(size, call.ResponseStream.Current.Payload.Body.Length);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task GrpcWeb_UnaryAndServerStreaming()
    {
        using var channel = AtomChannel.ForAddress(server.HttpAddress, new AtomChannelOptions { Protocol = RpcProtocol.GrpcWeb });
        var client = new TestServiceClient(channel);
        var id = NewId();

        var response = await client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828) }, new CallOptions { Headers = new Metadata().Add("x-test-id", id) });
        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.Equal("application/grpc-web+proto", HeaderRecordingInterceptor.Seen[id]["content-type"]);
        Assert.Equal("1", HeaderRecordingInterceptor.Seen[id]["x-grpc-web"]);

        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(s => new ResponseParameters { Size = s }));
        byte[] trailing = [1, 2, 3];
        using var call = client.StreamingOutputCall(request, new CallOptions { Headers = new Metadata().Add("x-grpc-test-echo-trailing-bin", trailing) });
        var received = new List<int>();
        await foreach (var item in call)
        {
            received.Add(item.Payload.Body.Length);
        }

        Assert.Equal(sizes, received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(trailing, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryCallAsync(new SimpleRequest { ResponseStatus = new EchoStatus { Code = 5, Message = "not ☺ here" } }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("not ☺ here", error.Status.Detail);
    }

    [Fact]
    public void GrpcWeb_StreamingRequests_AreUnimplemented()
    {
        using var channel = AtomChannel.ForAddress(server.HttpAddress, new AtomChannelOptions { Protocol = RpcProtocol.GrpcWeb });
        var client = new TestServiceClient(channel);
        var error = Assert.Throws<RpcException>(() => client.FullDuplexCall());
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("gRPC-Web cannot stream requests", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unimplemented, Assert.Throws<RpcException>(() => client.StreamingInputCall()).StatusCode);
    }

    [Fact]
    public async Task Credentials_ChannelThenCall_ReachTheServer()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { Credentials = CallCredentials.FromBearerToken("channel-token") });
        var client = new TestServiceClient(channel);

        var id = NewId();
        await client.UnaryCallAsync(new SimpleRequest(), new CallOptions { Headers = new Metadata().Add("x-test-id", id) });
        Assert.Equal("Bearer channel-token", HeaderRecordingInterceptor.Seen[id]["authorization"]);

        var second = NewId();
        await client.UnaryCallAsync(new SimpleRequest(), new CallOptions
        {
            Headers = new Metadata().Add("x-test-id", second),
            Credentials = CallCredentials.FromTokenProvider(_ => ValueTask.FromResult<string?>("call-token")),
        });
        Assert.Equal("Bearer channel-token, Bearer call-token", HeaderRecordingInterceptor.Seen[second]["authorization"]);
    }

    [Fact]
    public async Task RequestHeaders_FollowTheProtocol()
    {
        var id = NewId();
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        await new TestServiceClient(channel).EmptyCallAsync(new Empty(), new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-blob-bin", [0, 255]) });
        var seen = HeaderRecordingInterceptor.Seen[id];
        Assert.Equal("application/grpc", seen["content-type"]);
        Assert.Equal("trailers", seen["te"]);
        Assert.StartsWith("atom-dotnet/0.1.0", seen["user-agent"], StringComparison.Ordinal);
        Assert.Equal("identity,gzip", seen["grpc-accept-encoding"]);
        Assert.Equal(Convert.ToBase64String([0, 255]), seen["x-blob-bin"]);
        Assert.False(seen.ContainsKey("grpc-timeout"));
    }

    [Fact]
    public async Task Retries_IdempotentMethod_RetriesUnavailable()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10) } });
        var id = NewId();
        var response = await new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest { ResponseSize = 10 },
            new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "2") });
        Assert.Equal(10, response.Payload.Body.Length);
        Assert.Equal(3, FlakyTestService.Attempts[id]);
    }

    [Fact]
    public async Task Retries_GiveUpAfterMaxAttempts()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10) } });
        var id = NewId();
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest(),
            new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "10") }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, FlakyTestService.Attempts[id]);
    }

    [Fact]
    public async Task Retries_NotForNonIdempotentMethods_NorWhenDisallowed()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10) } });
        var client = new TestServiceClient(channel);

        var id = NewId();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryCallAsync(new SimpleRequest(), new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "2") }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, FlakyTestService.Attempts[id]);

        var disallowed = NewId();
        await Assert.ThrowsAsync<RpcException>(() => client.CacheableUnaryCallAsync(new SimpleRequest(),
            new CallOptions { AllowRetries = false, Headers = new Metadata().Add("x-test-id", disallowed).Add("x-fail-times", "2") }).ResponseAsync);
        Assert.Equal(1, FlakyTestService.Attempts[disallowed]);

        var optIn = NewId();
        await client.UnaryCallAsync(new SimpleRequest(), new CallOptions { AllowRetries = true, Headers = new Metadata().Add("x-test-id", optIn).Add("x-fail-times", "1") });
        Assert.Equal(2, FlakyTestService.Attempts[optIn]);
    }

    [Fact]
    public async Task Retries_NeverPastTheDeadline()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { MaxAttempts = 5, InitialBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromSeconds(5), BackoffMultiplier = 1 } });
        var id = NewId();
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest(),
            new CallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(300), Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "10") }).ResponseAsync);
        Assert.True(error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, error.ToString());
        Assert.True(FlakyTestService.Attempts[id] < 5);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task MaxReceiveMessageSize_Exceeded_IsResourceExhausted()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { MaxReceiveMessageSize = 1000 });
        var client = new TestServiceClient(channel);
        Assert.Equal(500, (await client.UnaryCallAsync(new SimpleRequest { ResponseSize = 500 })).Payload.Body.Length);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryCallAsync(new SimpleRequest { ResponseSize = 2000 }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);

        var stream = client.StreamingOutputCall(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 10 }, new ResponseParameters { Size = 5000 } } });
        Assert.True(await stream.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext())).StatusCode);
    }

    [Fact]
    public async Task MaxReceiveMessageSize_DefaultIs4MiB()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 4 * 1024 * 1024 + 1 }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        using var channel = AtomChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new TestServiceClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);

        using var call = client.FullDuplexCall();
        var headersError = await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync);
        Assert.Equal(StatusCode.Unavailable, headersError.StatusCode);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new StreamingOutputCallRequest()))).StatusCode);
    }

    [Fact]
    public async Task CancelledBeforeStart_IsCancelled()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).EmptyCallAsync(new Empty(), new CallOptions { CancellationToken = new CancellationToken(true) }).ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task DeadlineAlreadyPast_IsDeadlineExceeded()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).EmptyCallAsync(new Empty(), new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1) }).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, StatusCode.Internal)]
    [InlineData(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.TooManyRequests, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, StatusCode.Unknown)]
    public async Task HttpStatusWithoutGrpcStatus_MapsPerTheSpec(HttpStatusCode http, StatusCode expected)
    {
        using var channel = AtomChannel.ForAddress("http://example.invalid", new AtomChannelOptions { HttpHandler = new CannedHandler(http, "text/html"), DisposeHttpHandler = true, RetryPolicy = RetryPolicy.None });
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).EmptyCallAsync(new Empty()).ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task WrongContentType_IsInternal()
    {
        using var channel = AtomChannel.ForAddress("http://example.invalid", new AtomChannelOptions { HttpHandler = new CannedHandler(HttpStatusCode.OK, "text/html") });
        var error = await Assert.ThrowsAsync<RpcException>(() => new TestServiceClient(channel).EmptyCallAsync(new Empty()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("text/html", error.Status.Detail, StringComparison.Ordinal);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
