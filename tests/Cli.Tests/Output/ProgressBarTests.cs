using Atom.Cli.Tests.TestObjects;

namespace Atom.Cli.Tests.Output;

public sealed class ProgressBarTests
{
    private const string ClearLine = "\r\u001b[2K";

    private readonly StringWriter _error = new();
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_terminal_gets_one_line_redrawn_in_place_with_bytes_rate_and_time_left()
    {
        using (var bar = Bar(terminal: true, total: 10_000_000))
        {
            bar.Report(1_000_000);
            _clock.Advance(TimeSpan.FromSeconds(2));
            bar.Report(3_000_000);
        }

        var draws = _error.ToString().Split(ClearLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith(ClearLine, _error.ToString());
        Assert.EndsWith(ClearLine, _error.ToString());
        Assert.DoesNotContain('\n', _error.ToString());
        Assert.Equal(2, draws.Length);
        Assert.Contains("10%  1.0 MB/10.0 MB  -- MB/s  ETA --", draws[0]);

        // 3 MB in 2 s is 1.5 MB/s, and 7 MB to go at that rate is 4.7 s.
        Assert.Contains(" 30%  3.0 MB/10.0 MB  1.5 MB/s  ETA 5s", draws[1]);
        Assert.StartsWith("report.pdf [=======> ", draws[1]);
    }

    [Fact]
    public void A_terminal_is_redrawn_at_most_ten_times_a_second_but_always_at_the_end()
    {
        using var bar = Bar(terminal: true, total: 1000);

        bar.Report(100);
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        bar.Report(200);
        bar.Report(300);
        _clock.Advance(TimeSpan.FromMilliseconds(60));
        bar.Report(400);
        bar.Report(1000);

        Assert.Equal(3, _error.ToString().Split(ClearLine, StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("100%", _error.ToString());
    }

    [Theory]
    [InlineData(80)]
    [InlineData(40)]
    [InlineData(20)]
    public void The_line_never_reaches_the_last_column(int width)
    {
        var bar = new ProgressBar(_error, terminal: true, "a-very-long-file-name-that-goes-on-and-on.pdf", 5_000_000, time: _clock, width: () => width);

        var line = bar.TerminalLine(_clock.GetUtcNow(), width);

        Assert.True(line.Length < width, $"{line.Length}: {line}");
        if (width >= 60)
        {
            Assert.Contains("…", line);
            Assert.Contains("[", line);
        }
    }

    [Fact]
    public void Elsewhere_a_plain_line_comes_every_few_seconds_and_a_short_transfer_says_nothing()
    {
        using (var quick = Bar(terminal: false, total: 1000))
        {
            quick.Report(500);
            quick.Report(1000);
        }

        Assert.Equal(string.Empty, _error.ToString());

        using var slow = Bar(terminal: false, total: 10_000_000);
        _clock.Advance(TimeSpan.FromSeconds(5));
        slow.Report(5_000_000);
        _clock.Advance(TimeSpan.FromSeconds(1));
        slow.Report(6_000_000);

        Assert.Equal("report.pdf: 5.0 MB of 10.0 MB (50%), 1.0 MB/s, 5s left" + Environment.NewLine, _error.ToString());
    }

    [Fact]
    public void A_note_goes_above_the_bar_which_is_drawn_again()
    {
        using var bar = Bar(terminal: true, total: 1000);
        bar.Report(10);

        bar.Note("resuming report.pdf at 10 B of 1.0 kB");

        var text = _error.ToString();
        Assert.Contains(ClearLine + "resuming report.pdf at 10 B of 1.0 kB" + Environment.NewLine + ClearLine + "report.pdf", text);
    }

    [Fact]
    public void A_restart_counts_the_rate_from_then_not_the_bytes_done_before()
    {
        using var bar = Bar(terminal: false, total: 10_000_000);
        _clock.Advance(TimeSpan.FromSeconds(30));

        bar.Restart(8_000_000);
        _clock.Advance(TimeSpan.FromSeconds(5));
        bar.Report(9_000_000);

        Assert.Contains("(90%), 0.2 MB/s, 5s left", _error.ToString());
    }

    [Fact]
    public void Audio_progress_reads_as_minutes_and_seconds_at_a_speed_relative_to_real_time()
    {
        using var bar = new ProgressBar(_error, terminal: false, "talk.mp3", 120_000, time: _clock, measure: ProgressMeasure.AudioMilliseconds);
        _clock.Advance(TimeSpan.FromSeconds(6));

        bar.Report(30_000);

        // 30 s of audio in 6 s is 5 times real time; the 90 s left take 18 s at that speed.
        Assert.Contains("talk.mp3: 00:30 of 02:00 (25%), 5.0x real time, 18s left", _error.ToString());
    }

    private ProgressBar Bar(bool terminal, long total) => new(_error, terminal, "report.pdf", total, time: _clock, width: () => 80);
}
