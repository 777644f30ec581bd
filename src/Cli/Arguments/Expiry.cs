using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Atom.Cli.Arguments;

/// <summary>When something should expire, as typed: a duration from now (<c>30d</c>, <c>12h</c>, <c>90m</c>) or an ISO-8601 date or date and time.</summary>
internal static partial class Expiry
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Reads an expiry.</summary>
    /// <param name="text">The text, e.g. <c>30d</c> or <c>2027-01-31T18:00:00+01:00</c>; a date or time without an offset is UTC.</param>
    /// <param name="now">The current time, which durations count from and which the result must be after.</param>
    /// <param name="expires">The moment, when the text is valid.</param>
    /// <param name="error">Why not, when it is not.</param>
    /// <returns>True when the text is valid.</returns>
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset expires, out string error)
    {
        expires = default;
        error = string.Empty;
        text = text.Trim();
        var duration = DurationPattern().Match(text);
        if (duration.Success)
        {
            var amount = long.Parse(duration.Groups["amount"].Value, CultureInfo.InvariantCulture);
            var unit = char.ToLowerInvariant(duration.Groups["unit"].Value[0]) switch
            {
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                _ => TimeSpan.FromMinutes(1),
            };
            if (amount <= 0 || amount > TimeSpan.FromDays(36500) / unit)
            {
                error = $"'{text}' is not a duration between one minute and a hundred years.";
                return false;
            }

            expires = now + (unit * amount);
            return true;
        }

        if (!DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out expires))
        {
            error = $"'{text}' is neither a duration (30d, 12h, 90m) nor an ISO-8601 date or date and time (2027-01-31, 2027-01-31T18:00:00Z).";
            return false;
        }

        if (expires <= now)
        {
            error = $"'{text}' is in the past.";
            return false;
        }

        return true;
    }

    /// <summary>Creates an <c>--expires</c> option, read against the clock when the command line is parsed.</summary>
    /// <param name="description">What expires.</param>
    /// <returns>The option; null when it is not given.</returns>
    public static Option<DateTimeOffset?> Option(string description) => new("--expires")
    {
        Description = description,
        HelpName = "30d|12h|90m|DATE",
        CustomParser = result =>
        {
            if (TryParse(result.Tokens[^1].Value, DateTimeOffset.UtcNow, out var expires, out var error))
            {
                return expires;
            }

            result.AddError("--expires " + error);
            return null;
        },
    };

    [GeneratedRegex(@"^(?<amount>[0-9]{1,9})\s*(?<unit>[dhmDHM])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
