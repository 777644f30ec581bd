using Atom.Cli.Voice;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Cli.Tests.Voice;

public sealed class SegmentTextTests
{
    [Theory]
    [InlineData(0, "00:00.0")]
    [InlineData(1_250, "00:01.2")]
    [InlineData(59_960, "00:59.9")]
    [InlineData(61_000, "01:01.0")]
    [InlineData(4_500_000, "75:00.0")]
    [InlineData(-5, "00:00.0")]
    public void An_offset_reads_as_minutes_seconds_and_tenths_never_rounded_up(long milliseconds, string expected) =>
        Assert.Equal(expected, SegmentText.Offset(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void A_final_segment_reads_with_its_span()
    {
        var segment = Segment("hello world", final: true, 1.2, 3.55);

        Assert.Equal("[00:01.2–00:03.5] hello world", SegmentText.Final(segment));
    }

    [Fact]
    public void A_long_partial_keeps_its_end_and_fits_the_terminal()
    {
        var segment = Segment(string.Join(' ', Enumerable.Repeat("word", 40)) + " latest", final: false, 0, 0);

        var line = SegmentText.Partial(segment, 40);

        Assert.True(line.Length < 40, line);
        Assert.StartsWith("…", line);
        Assert.EndsWith("word latest", line);
        Assert.Equal("[00:00.0–…] hi", SegmentText.Partial(Segment("hi", final: false, 0, 0), 40));
    }

    [Fact]
    public void A_command_reads_as_its_intent_and_the_slots_it_filled()
    {
        Assert.Equal("  → search query=\"quarterly report\" (0.82)",
            SegmentText.Command(new VoiceCommand { Intent = VoiceIntent.Search, Query = "quarterly report", Confidence = 0.82f }));
        Assert.Equal("  → send-message room=\"general\" text=\"on my way\"",
            SegmentText.Command(new VoiceCommand { Intent = VoiceIntent.SendMessage, Room = "general", Text = "on my way" }));
        Assert.Equal("  → not a command", SegmentText.Command(new VoiceCommand { Transcript = "nice weather" }));
    }

    internal static TranscriptSegment Segment(string text, bool final, double start, double end) => new()
    {
        Text = text,
        Final = final,
        StartOffset = Duration.FromTimeSpan(TimeSpan.FromSeconds(start)),
        EndOffset = Duration.FromTimeSpan(TimeSpan.FromSeconds(end)),
    };
}
