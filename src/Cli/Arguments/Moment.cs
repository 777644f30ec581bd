using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Atom.Cli.Arguments;

/// <summary>
/// A moment as typed: a duration counted from now (<c>30d</c>, <c>12h</c>, <c>90m</c>), ahead for an expiry or back
/// for a <c>--since</c>, or an ISO-8601 date or date and time, UTC unless it says otherwise.
/// </summary>
internal static partial class Moment
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

    /// <summary>Reads a moment.</summary>
    /// <param name="text">The text, e.g. <c>30d</c> or <c>2027-01-31T18:00:00+01:00</c>.</param>
    /// <param name="now">The current time, which durations count from.</param>
    /// <param name="ahead">True for a moment after now (a duration counts forward), false for one before it (a duration counts back).</param>
    /// <param name="moment">The moment, when the text is valid.</param>
    /// <param name="error">Why not, when it is not.</param>
    /// <returns>True when the text is valid and on the right side of now.</returns>
    public static bool TryParse(string text, DateTimeOffset now, bool ahead, out DateTimeOffset moment, out string error)
    {
        moment = default;
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

            moment = ahead ? now + (unit * amount) : now - (unit * amount);
            return true;
        }

        if (!DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out moment))
        {
            error = $"'{text}' is neither a duration (30d, 12h, 90m) nor an ISO-8601 date or date and time (2027-01-31, 2027-01-31T18:00:00Z).";
            return false;
        }

        if (ahead ? moment <= now : moment > now)
        {
            error = ahead ? $"'{text}' is in the past." : $"'{text}' is in the future.";
            return false;
        }

        return true;
    }

    /// <summary>Creates an option holding a moment, read against the clock when the command line is parsed.</summary>
    /// <param name="name">The option, e.g. <c>--since</c>.</param>
    /// <param name="description">What the moment is.</param>
    /// <param name="ahead">Whether it lies after now (see <see cref="TryParse"/>).</param>
    /// <returns>The option; null when it is not given.</returns>
    public static Option<DateTimeOffset?> Option(string name, string description, bool ahead) => new(name)
    {
        Description = description,
        HelpName = "30d|12h|90m|DATE",
        CustomParser = result =>
        {
            if (TryParse(result.Tokens[^1].Value, DateTimeOffset.UtcNow, ahead, out var moment, out var error))
            {
                return moment;
            }

            result.AddError($"{name} {error}");
            return null;
        },
    };

    [GeneratedRegex(@"^(?<amount>[0-9]{1,9})\s*(?<unit>[dhmDHM])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
