using Atom.Cli.Chat;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Tests.Chat;

public sealed class ReconnectionTests
{
    public static TheoryData<RpcException, bool, bool> Ends => new()
    {
        { new RpcException(new Status(StatusCode.Unavailable, "connection refused")), false, true },
        { AtomErrors.Exception(StatusCode.ResourceExhausted, ErrorReason.SubscriberTooSlow, "too slow"), false, true },
        { AtomErrors.Exception(StatusCode.ResourceExhausted, ErrorReason.RateLimited, "slow down"), false, false },
        { new RpcException(new Status(StatusCode.Cancelled, "server shutting down")), false, true },
        { new RpcException(new Status(StatusCode.Cancelled, "Ctrl+C")), true, false },
        { new RpcException(new Status(StatusCode.NotFound, "room gone")), false, false },
        { new RpcException(new Status(StatusCode.PermissionDenied, "removed")), false, false },
        { new RpcException(new Status(StatusCode.DeadlineExceeded, "--timeout")), false, false },
        { new RpcException(new Status(StatusCode.Unauthenticated, "expired")), false, false },
    };

    [Theory]
    [MemberData(nameof(Ends))]
    public void Only_a_dropped_connection_is_resumed_an_answer_is_reported(RpcException error, bool cancelledHere, bool resumed) =>
        Assert.Equal(resumed, Reconnection.IsDrop(error, cancelledHere));

    [Fact]
    public void Delays_double_up_to_the_cap_with_jitter_and_start_over_after_a_success()
    {
        var reconnection = new Reconnection(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        var delays = Enumerable.Range(0, 8).Select(_ => reconnection.NextDelay().TotalMilliseconds).ToList();
        reconnection.Succeeded();
        var again = reconnection.NextDelay().TotalMilliseconds;

        double[] ceilings = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
        for (var i = 0; i < delays.Count; i++)
        {
            Assert.InRange(delays[i], ceilings[i] / 2, ceilings[i]);
        }

        Assert.InRange(again, 50, 100);
    }

    [Fact]
    public void A_note_says_why_and_where_the_stream_resumes_and_later_ones_that_it_is_still_down()
    {
        var reconnection = new Reconnection(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        var tooSlow = AtomErrors.Exception(StatusCode.ResourceExhausted, ErrorReason.SubscriberTooSlow, "fell behind");

        var first = reconnection.Describe(tooSlow, reconnection.NextDelay(), after: 42);
        var second = reconnection.Describe(null, reconnection.NextDelay(), after: 42);

        Assert.StartsWith("warning: connection lost (RESOURCE_EXHAUSTED (SUBSCRIBER_TOO_SLOW): fell behind); reconnecting in ", first);
        Assert.EndsWith("resuming after #42", first);
        Assert.StartsWith("warning: still cannot reconnect (the server ended the stream)", second);
    }
}
