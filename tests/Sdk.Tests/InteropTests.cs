using Atom.Sdk.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Testing;

namespace Atom.Sdk.Tests;

/// <summary>gRPC's interop test cases, run through the SDK's channel and generated client against a real Atom server.</summary>
public sealed class InteropTests(TestServiceServer server) : IClassFixture<TestServiceServer>, IDisposable
{
    private readonly AtomChannel _channel = AtomChannel.ForAddress(server.GrpcAddress);

    private TestServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task EmptyUnary()
    {
        var response = await Client.EmptyCallAsync(new Empty());
        Assert.Equal(new Empty(), response);
    }

    [Fact]
    public async Task LargeUnary()
    {
        var response = await Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828) });
        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.All(response.Payload.Body, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task ClientStreaming()
    {
        using var call = Client.StreamingInputCall();
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        Assert.Equal(74922, response.AggregatedPayloadSize);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming()
    {
        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(s => new ResponseParameters { Size = s }));
        using var call = Client.StreamingOutputCall(request);
        var received = new List<int>();
        await foreach (var response in call)
        {
            received.Add(response.Payload.Body.Length);
        }

        Assert.Equal(sizes, received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task PingPong()
    {
        int[] requestSizes = [27182, 8, 1828, 45904];
        int[] responseSizes = [31415, 9, 2653, 58979];
        using var call = Client.FullDuplexCall();
        for (var i = 0; i < requestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                Payload = Zeros(requestSizes[i]),
                ResponseParameters = { new ResponseParameters { Size = responseSizes[i] } },
            });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(responseSizes[i], call.ResponseStream.Current.Payload.Body.Length);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task EmptyStream()
    {
        using var call = Client.FullDuplexCall();
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task StatusCodeAndMessage_Unary()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(new SimpleRequest
        {
            ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("test status message", error.Status.Detail);
    }

    [Fact]
    public async Task StatusCodeAndMessage_Duplex()
    {
        using var call = Client.FullDuplexCall();
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" },
        });
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("test status message", error.Status.Detail);
        Assert.Equal(StatusCode.Unknown, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task SpecialStatusMessage()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(new SimpleRequest
        {
            ResponseStatus = new EchoStatus { Code = 2, Message = message },
        }).ResponseAsync);
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task CustomMetadata_Unary()
    {
        var client = Client;
        byte[] trailing = [0xab, 0xab, 0xab];
        var options = new CallOptions { Headers = new Metadata().Add("x-grpc-test-echo-initial", "test_initial_metadata_value").Add("x-grpc-test-echo-trailing-bin", trailing) };

        using var call = client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828) }, options);
        var response = await call;
        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.Equal("test_initial_metadata_value", (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(trailing, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryCallAsync(new SimpleRequest { ResponseStatus = new EchoStatus { Code = 9, Message = "x" } }, options).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(trailing, error.Trailers.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task CustomMetadata_Duplex()
    {
        byte[] trailing = [0xab, 0xab, 0xab];
        using var call = Client.FullDuplexCall(new CallOptions
        {
            Headers = new Metadata().Add("x-grpc-test-echo-initial", "test_initial_metadata_value").Add("x-grpc-test-echo-trailing-bin", trailing),
        });
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(271828), ResponseParameters = { new ResponseParameters { Size = 314159 } } });
        await call.RequestStream.CompleteAsync();

        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("test_initial_metadata_value", headers.GetValue("x-grpc-test-echo-initial"));
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(314159, call.ResponseStream.Current.Payload.Body.Length);
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(trailing, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task UnimplementedMethod()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UnimplementedCallAsync(new Empty()).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task UnimplementedService_CarriesErrorInfo()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => new UnimplementedServiceClient(_channel).UnimplementedCallAsync(new Empty()).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        var info = error.GetDetail<Atom.Google.Rpc.ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("METHOD_NOT_FOUND", info.Reason);
        Assert.Equal(AtomErrors.Domain, info.Domain);
    }

    [Fact]
    public async Task CancelAfterBegin()
    {
        using var cts = new CancellationTokenSource();
        using var call = Client.StreamingInputCall(new CallOptions { CancellationToken = cts.Token });
        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task CancelAfterFirstResponse()
    {
        using var cts = new CancellationTokenSource();
        using var call = Client.FullDuplexCall(new CallOptions { CancellationToken = cts.Token });
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182), ResponseParameters = { new ResponseParameters { Size = 31415 } } });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(31415, call.ResponseStream.Current.Payload.Body.Length);

        await cts.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new StreamingOutputCallRequest()));
        Assert.Equal(StatusCode.Cancelled, writeError.StatusCode);
    }

    [Fact]
    public async Task TimeoutOnSleepingServer()
    {
        using var call = Client.FullDuplexCall(new CallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(1) });
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            // The deadline may pass before the write: that is allowed.
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task UnaryDeadline_SentAsGrpcTimeout_AndEnforcedByTheClient()
    {
        var handler = new RecordingHandler();
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { HttpHandler = handler, DisposeHttpHandler = true });
        var client = new TestServiceClient(channel);
        await client.EmptyCallAsync(new Empty(), new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(30) });
        var timeout = ResponseHeader(handler.LastRequest!.Headers, "grpc-timeout");
        Assert.True(Internal.GrpcTimeout.TryParse(timeout, out var value), timeout);
        Assert.InRange(value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));

        // A server stream that takes 5 s, cut by the client's own timer after 200 ms.
        var slow = new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 1, IntervalUs = 5_000_000 } } };
        using var call = client.StreamingOutputCall(slow, new CallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(200) });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task DisposingARunningCall_CancelsIt()
    {
        var slow = new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 1, IntervalUs = 5_000_000 } } };
        var call = Client.StreamingOutputCall(slow);
        var read = call.ResponseStream.MoveNext();
        call.Dispose();
        var error = await Assert.ThrowsAsync<RpcException>(() => read);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task WritesAfterComplete_Throw()
    {
        using var call = Client.StreamingInputCall();
        await call.RequestStream.CompleteAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new StreamingInputCallRequest()));
        Assert.Equal(0, (await call).AggregatedPayloadSize);
    }

    [Fact]
    public async Task WritingToAMethodTheServerDoesNotServe_FailsWithTheServersStatus()
    {
        // The server answers trailers-only and resets the request stream; a write that loses the race against that
        // answer must still report it (UNIMPLEMENTED), not the broken write. Repeated, because it is a race.
        var method = new Method<StreamingOutputCallRequest, StreamingOutputCallResponse>(
            "grpc.testing.NoSuchService", "FullDuplexCall", MethodType.DuplexStreaming,
            StreamingOutputCallRequest.Parser, StreamingOutputCallResponse.Parser, false,
            () => TestReflection.Descriptor.Services[0].Methods[0]);
        for (var attempt = 0; attempt < 25; attempt++)
        {
            using var call = _channel.DuplexStreaming(method);
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(1024) });
                }

                await call.RequestStream.CompleteAsync();
                await call.ResponseStream.MoveNext();
            });

            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        }
    }

    internal static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    private static string? ResponseHeader(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
