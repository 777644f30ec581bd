using System.CommandLine;

namespace Atom.Cli.Arguments;

/// <summary>When something should expire, as typed: a duration from now (<c>30d</c>, <c>12h</c>, <c>90m</c>) or an ISO-8601 date or date and time.</summary>
internal static class Expiry
{
    /// <summary>Reads an expiry.</summary>
    /// <param name="text">The text, e.g. <c>30d</c> or <c>2027-01-31T18:00:00+01:00</c>; a date or time without an offset is UTC.</param>
    /// <param name="now">The current time, which durations count from and which the result must be after.</param>
    /// <param name="expires">The moment, when the text is valid.</param>
    /// <param name="error">Why not, when it is not.</param>
    /// <returns>True when the text is valid.</returns>
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset expires, out string error) =>
        Moment.TryParse(text, now, ahead: true, out expires, out error);

    /// <summary>Creates an <c>--expires</c> option, read against the clock when the command line is parsed.</summary>
    /// <param name="description">What expires.</param>
    /// <returns>The option; null when it is not given.</returns>
    public static Option<DateTimeOffset?> Option(string description) => Moment.Option("--expires", description, ahead: true);
}
