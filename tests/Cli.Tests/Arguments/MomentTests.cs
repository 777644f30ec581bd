using Atom.Cli.Arguments;

namespace Atom.Cli.Tests.Arguments;

public sealed class MomentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7d", -7 * 24 * 60)]
    [InlineData("12h", -12 * 60)]
    [InlineData("90m", -90)]
    public void A_duration_back_counts_back_from_now(string text, int minutes)
    {
        Assert.True(Moment.TryParse(text, Now, ahead: false, out var since, out var error), error);
        Assert.Equal(Now.AddMinutes(minutes), since);
    }

    [Fact]
    public void A_date_back_must_not_be_in_the_future()
    {
        Assert.True(Moment.TryParse("2026-11-01", Now, ahead: false, out var since, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), since);
        Assert.False(Moment.TryParse("2026-12-01", Now, ahead: false, out _, out var error));
        Assert.Contains("in the future", error);
    }
}
