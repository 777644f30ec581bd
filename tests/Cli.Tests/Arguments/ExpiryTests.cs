using Atom.Cli.Arguments;

namespace Atom.Cli.Tests.Arguments;

public sealed class ExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    [InlineData(" 7D ", 7 * 24 * 60)]
    public void Durations_count_from_now(string text, int minutes)
    {
        Assert.True(Expiry.TryParse(text, Now, out var expires, out var error), error);
        Assert.Equal(Now.AddMinutes(minutes), expires);
    }

    [Theory]
    [InlineData("2027-01-31", "2027-01-31T00:00:00Z")]
    [InlineData("2027-01-31T18:30", "2027-01-31T18:30:00Z")]
    [InlineData("2027-01-31T18:30:15Z", "2027-01-31T18:30:15Z")]
    [InlineData("2027-01-31T18:30:15+02:00", "2027-01-31T16:30:15Z")]
    [InlineData("2027-01-31T18:30:15.250Z", "2027-01-31T18:30:15.25Z")]
    public void Iso_dates_and_times_are_utc_unless_they_say_otherwise(string text, string utc)
    {
        Assert.True(Expiry.TryParse(text, Now, out var expires, out var error), error);
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), expires);
    }

    [Theory]
    [InlineData("soon", "neither a duration")]
    [InlineData("30", "neither a duration")]
    [InlineData("30s", "neither a duration")]
    [InlineData("01/02/2027", "neither a duration")]
    [InlineData("0d", "between one minute")]
    [InlineData("99999999d", "between one minute")]
    [InlineData("2026-11-21", "in the past")]
    public void Anything_else_is_refused_with_a_reason(string text, string reason)
    {
        Assert.False(Expiry.TryParse(text, Now, out _, out var error));
        Assert.Contains(reason, error);
    }
}
