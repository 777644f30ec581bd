using Atom.Cli.Tests.TestObjects;
using Atom.Cli.Voice;

namespace Atom.Cli.Tests.Voice;

public sealed class RealTimePacerTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_chunk_is_due_once_the_audio_it_ends_with_has_played_since_the_first()
    {
        // 16 kHz mono 16-bit: 32,000 bytes a second, 3,200 bytes each 100 ms.
        var pacer = new RealTimePacer(32_000, _clock);

        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Wait(3_200));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Wait(6_400));
        _clock.Advance(TimeSpan.FromMilliseconds(130));
        Assert.Equal(TimeSpan.FromMilliseconds(70), pacer.Wait(9_600));
    }

    [Fact]
    public void A_late_sender_catches_up_without_waiting_and_without_drifting()
    {
        var pacer = new RealTimePacer(32_000, _clock);
        pacer.Wait(0);

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, pacer.Wait(3_200));
        Assert.Equal(TimeSpan.Zero, pacer.Wait(32_000));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Wait(35_200));
    }

    [Fact]
    public void Latency_is_how_long_ago_a_point_of_the_audio_was_spoken()
    {
        var pacer = new RealTimePacer(32_000, _clock);
        Assert.Null(pacer.Since(TimeSpan.Zero));
        pacer.Wait(0);

        _clock.Advance(TimeSpan.FromSeconds(2.5));

        Assert.Equal(TimeSpan.FromSeconds(0.7), pacer.Since(TimeSpan.FromSeconds(1.8)));
        Assert.Equal(TimeSpan.FromSeconds(1.5), pacer.Offset(48_000));
    }
}
