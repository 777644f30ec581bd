using Atom.Sdk.Tests.Infrastructure;
using Atom.Sdk.Tests.TestObjects;
using Grpc.Testing;

namespace Atom.Sdk.Tests;

/// <summary>A unary call's headers, status and trailers, with and without retries and over gRPC-Web; disposing a call cancels it.</summary>
public sealed class AsyncUnaryCallTests(TestServiceServer server) : IClassFixture<TestServiceServer>
{
    private static readonly byte[] Trailing = [0xab, 0xab, 0xab];

    [Fact]
    public async Task GrpcWeb_SuccessfulCall_HasHeadersStatusAndTrailers()
    {
        using var channel = AtomChannel.ForAddress(server.HttpAddress, new AtomChannelOptions { Protocol = RpcProtocol.GrpcWeb });
        using var call = new TestServiceClient(channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 10 }, new CallOptions { Headers = EchoHeaders() });

        Assert.Equal(10, (await call).Payload.Body.Length);
        Assert.Equal("test_initial_metadata_value", (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(Trailing, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task RetriedCall_ReportsTheFinalAttempt()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(10) } });
        var id = NewId();
        using var call = new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest { ResponseSize = 10 },
            new CallOptions { Headers = EchoHeaders().Add("x-test-id", id).Add("x-fail-times", "2") });

        Assert.Equal(10, (await call).Payload.Body.Length);
        Assert.Equal(3, FlakyTestService.Attempts[id]);
        Assert.Equal("test_initial_metadata_value", (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(Trailing, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
        Assert.Equal("3", call.GetTrailers().GetValue("x-attempt"));
    }

    [Fact]
    public async Task RetriedCall_ThatFails_ReportsTheLastAttempt()
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions { RetryPolicy = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) } });
        var id = NewId();
        using var call = new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest(),
            new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "5") });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(error.Status, call.GetStatus());
        Assert.Equal("2", call.GetTrailers().GetValue("x-attempt"));

        // A trailers-only response: its headers are its trailers.
        Assert.Equal("2", (await call.ResponseHeadersAsync).GetValue("x-attempt"));
    }

    [Theory]
    [InlineData("UnaryCall")]
    [InlineData("CacheableUnaryCall")]
    public void GetStatusAndTrailers_BeforeTheCallFinishes_Throw(string method)
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        using var call = Start(new TestServiceClient(channel), method, NewId(), delayMs: 30_000);

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
    }

    [Theory]
    [InlineData("UnaryCall")]
    [InlineData("CacheableUnaryCall")]
    public async Task Dispose_CancelsARunningCall_OnTheServerToo(string method)
    {
        using var channel = AtomChannel.ForAddress(server.GrpcAddress);
        var id = NewId();
        var call = Start(new TestServiceClient(channel), method, id, delayMs: 30_000);
        await WaitUntilAsync(() => FlakyTestService.Attempts.ContainsKey(id));

        call.Dispose();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        await WaitUntilAsync(() => FlakyTestService.Cancelled.ContainsKey(id));
        Assert.Equal(1, FlakyTestService.Attempts[id]);
    }

    [Fact]
    public async Task Dispose_BetweenAttempts_StartsNoOther()
    {
        // Attempt 1 fails at once, then the call waits up to 10 s; were attempt 2 already running, it would be slow, so
        // Dispose cancels the call either way.
        using var channel = AtomChannel.ForAddress(server.GrpcAddress, new AtomChannelOptions
        {
            RetryPolicy = new RetryPolicy { MaxAttempts = 5, InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(10), BackoffMultiplier = 1 },
        });
        var id = NewId();
        var call = new TestServiceClient(channel).CacheableUnaryCallAsync(new SimpleRequest(),
            new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-fail-times", "1").Add("x-delay-ms", "30000") });
        await WaitUntilAsync(() => FlakyTestService.Attempts.ContainsKey(id));

        call.Dispose();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        var attempts = FlakyTestService.Attempts[id];
        if (attempts == 1)
        {
            // Backoff is jittered, so a second attempt may have begun, and its headers arrived, before the Dispose;
            // those stay readable. With no attempt that got headers, they end as the call did.
            Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync)).StatusCode);
        }

        await Task.Delay(300);
        Assert.Equal(attempts, FlakyTestService.Attempts[id]);
        Assert.True(attempts <= 2);
    }

    private static AsyncUnaryCall<SimpleResponse> Start(TestServiceClient client, string method, string id, int delayMs)
    {
        var options = new CallOptions { Headers = new Metadata().Add("x-test-id", id).Add("x-delay-ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        return method == "UnaryCall" ? client.UnaryCallAsync(new SimpleRequest(), options) : client.CacheableUnaryCallAsync(new SimpleRequest(), options);
    }

    private static Metadata EchoHeaders() => new Metadata().Add("x-grpc-test-echo-initial", "test_initial_metadata_value").Add("x-grpc-test-echo-trailing-bin", Trailing);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "Timed out waiting for the server.");
            await Task.Delay(20);
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
