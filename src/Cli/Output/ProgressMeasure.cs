using System.Globalization;

namespace Atom.Cli;

/// <summary>
/// What a <see cref="ProgressBar"/> counts and how it reads: bytes of a transfer (<c>1.5 MB</c>, <c>2.0 MB/s</c>), or
/// milliseconds of audio decoded (<c>00:42</c>, <c>12.5x real time</c>).
/// </summary>
/// <param name="Amount">Reads an amount done or in all.</param>
/// <param name="Rate">Reads a rate, in amount per second.</param>
/// <param name="NoRate">Stands for the rate while it is not known yet.</param>
internal sealed record ProgressMeasure(Func<long, string> Amount, Func<double, string> Rate, string NoRate)
{
    /// <summary>Gets the measure of a transfer, in bytes.</summary>
    public static ProgressMeasure Bytes { get; } = new(
        Display.Bytes,
        perSecond => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1_000_000:0.0} MB/s"),
        "-- MB/s");

    /// <summary>Gets the measure of audio processed, in milliseconds of it: the rate is how many times faster than real time.</summary>
    public static ProgressMeasure AudioMilliseconds { get; } = new(
        milliseconds => Display.Clock(TimeSpan.FromMilliseconds(milliseconds), tenths: false),
        perSecond => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1000:0.0}x real time"),
        "--x real time");
}
