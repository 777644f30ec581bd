using System.Globalization;
using System.Text;

namespace Atom.Cli;

/// <summary>
/// Shows how far a transfer has got, on stderr (stdout carries results, and JSON for scripts). On a terminal: one
/// line drawn again in place, a bar with the bytes done of the total, the rate and the time left, redrawn at most ten
/// times a second and erased when the transfer ends. Anywhere else (a log, a pipe): a plain line every few seconds of
/// a long transfer, none for a short one, so a CI log shows progress without a line per chunk.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    // Below this the rate is mostly noise (connection set-up, the first buffers); no rate or ETA is shown instead.
    private static readonly TimeSpan RateWarmUp = TimeSpan.FromMilliseconds(500);

    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly string _label;
    private readonly long _total;
    private readonly TimeProvider _time;
    private readonly Func<int> _width;
    private readonly ProgressMeasure _measure;
    private DateTimeOffset _start;
    private long _startDone;
    private DateTimeOffset _shownAt;
    private long _done;
    private bool _drawn;

    /// <summary>Initializes a new instance of the <see cref="ProgressBar"/> class.</summary>
    /// <param name="writer">Where to draw: standard error.</param>
    /// <param name="terminal">Whether <paramref name="writer"/> is a terminal, so the line can be drawn again in place.</param>
    /// <param name="label">What is transferred, e.g. <c>report.pdf</c>.</param>
    /// <param name="total">The bytes in all.</param>
    /// <param name="done">The bytes already done before this run (a resumed upload); the rate counts only those done after.</param>
    /// <param name="time">The clock; the system's by default.</param>
    /// <param name="width">The terminal's width in columns; <see cref="Terminal.Width"/> by default.</param>
    /// <param name="measure">What is counted; <see cref="ProgressMeasure.Bytes"/> by default.</param>
    public ProgressBar(TextWriter writer, bool terminal, string label, long total, long done = 0, TimeProvider? time = null, Func<int>? width = null, ProgressMeasure? measure = null)
    {
        _measure = measure ?? ProgressMeasure.Bytes;
        _writer = writer;
        _terminal = terminal;
        _label = label;
        _total = Math.Max(0, total);
        _time = time ?? TimeProvider.System;
        _width = width ?? Terminal.Width;
        _start = _shownAt = _time.GetUtcNow();
        _done = _startDone = Math.Clamp(done, 0, _total);
    }

    /// <summary>Creates a bar on the command's standard error, drawn in place when standard error is a terminal.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="label">What is transferred.</param>
    /// <param name="total">The bytes in all.</param>
    /// <param name="done">The bytes already done before this run.</param>
    /// <returns>The bar, to dispose when the transfer ends.</returns>
    /// <param name="measure">What is counted; bytes by default.</param>
    public static ProgressBar OnStandardError(CliContext context, string label, long total, long done = 0, ProgressMeasure? measure = null) =>
        new(context.Error, terminal: !Console.IsErrorRedirected, label, total, done, measure: measure);

    /// <summary>Records how many bytes are done, and shows it if it is time to.</summary>
    /// <param name="done">The bytes done so far, of the total (it may go back, when a retry sends bytes again).</param>
    public void Report(long done)
    {
        _done = Math.Clamp(done, 0, _total);
        var now = _time.GetUtcNow();
        if (_terminal)
        {
            if (!_drawn || now - _shownAt >= RedrawInterval || _done == _total)
            {
                Draw(now);
            }
        }
        else if (now - _shownAt >= LogInterval)
        {
            _writer.WriteLine(Line(now));
            _shownAt = now;
        }
    }

    /// <summary>
    /// Counts the rate afresh from the bytes done now: a resumed transfer, or one retried after a pause, would
    /// otherwise claim the bytes done before (or the pause) as this run's speed.
    /// </summary>
    /// <param name="done">The bytes done so far.</param>
    public void Restart(long done)
    {
        _start = _time.GetUtcNow();
        _done = _startDone = Math.Clamp(done, 0, _total);
        if (!_terminal)
        {
            _shownAt = _start;
        }
    }

    /// <summary>Prints a line (a warning, "resuming at ...") without tearing the bar: above it on a terminal.</summary>
    /// <param name="line">The line.</param>
    public void Note(string line)
    {
        if (_drawn)
        {
            _writer.Write(Terminal.ClearLine);
        }

        _writer.WriteLine(line);
        if (_drawn)
        {
            Draw(_time.GetUtcNow());
        }
        else
        {
            _writer.Flush();
        }
    }

    /// <summary>Erases the bar from the terminal; what follows is printed where it was.</summary>
    public void Dispose() => Hide();

    /// <summary>
    /// Erases the bar for now, so a line printed on standard output (a transcript's segment) does not land in the
    /// middle of it on a shared terminal; the next <see cref="Report"/> draws it again below.
    /// </summary>
    public void Hide()
    {
        if (_drawn)
        {
            _drawn = false;
            _writer.Write(Terminal.ClearLine);
            _writer.Flush();
        }
    }

    /// <summary>Gets the line a terminal shows: label, bar, percentage, bytes, rate and time left, fitted to the width.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="width">The terminal's width in columns.</param>
    /// <returns>The line, shorter than <paramref name="width"/> so the terminal never wraps it.</returns>
    internal string TerminalLine(DateTimeOffset now, int width)
    {
        var perSecond = BytesPerSecond(now);
        var rate = perSecond is { } r ? _measure.Rate(r) : _measure.NoRate;
        var left = _done == _total ? "0s" : perSecond is { } p ? Left(p) : "--";
        var stats = string.Create(CultureInfo.InvariantCulture,
            $"{Percent(),3}%  {_measure.Amount(_done)}/{_measure.Amount(_total)}  {rate}  ETA {left}");

        // The last column stays empty: writing there makes some terminals wrap at once.
        var room = Math.Max(1, width - 1);
        if (stats.Length >= room)
        {
            return stats[..room];
        }

        const int MinBar = 10;
        var label = Fit(_label, room - stats.Length - MinBar - 4);
        var bar = room - label.Length - stats.Length - 4;
        if (label.Length == 0 || bar < MinBar)
        {
            label = Fit(_label, room - stats.Length - 1);
            return label.Length == 0 ? stats : $"{label} {stats}";
        }

        return $"{label} {Bar(bar)} {stats}";
    }

    /// <summary>Gets the line a log shows now and then: label, bytes, percentage, rate and time left.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The line.</returns>
    internal string Line(DateTimeOffset now)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{_label}: {_measure.Amount(_done)} of {_measure.Amount(_total)} ({Percent()}%)");
        return BytesPerSecond(now) is { } perSecond ? $"{line}, {_measure.Rate(perSecond)}, {Left(perSecond)} left" : line;
    }

    private void Draw(DateTimeOffset now)
    {
        _writer.Write(Terminal.ClearLine + TerminalLine(now, _width()));
        _writer.Flush();
        _drawn = true;
        _shownAt = now;
    }

    private int Percent() => _total == 0 ? 100 : (int)(_done * 100 / _total);

    /// <summary>Gets the rate of this run, or null while it is unknown (too early, or nothing done yet).</summary>
    private double? BytesPerSecond(DateTimeOffset now)
    {
        var elapsed = now - _start;
        var bytes = _done - _startDone;
        return elapsed < RateWarmUp || bytes <= 0 ? null : bytes / elapsed.TotalSeconds;
    }

    private string Left(double perSecond) => Display.Duration(TimeSpan.FromSeconds((_total - _done) / perSecond));

    private string Bar(int width)
    {
        var inside = width - 2;
        var filled = _total == 0 ? inside : (int)(inside * _done / _total);
        var bar = new StringBuilder(width).Append('[').Append('=', filled);
        if (filled < inside)
        {
            bar.Append('>').Append(' ', inside - filled - 1);
        }

        return bar.Append(']').ToString();
    }

    private static string Fit(string text, int width) =>
        width <= 0 ? string.Empty : text.Length <= width ? text : width == 1 ? "…" : text[..(width - 1)] + "…";
}
