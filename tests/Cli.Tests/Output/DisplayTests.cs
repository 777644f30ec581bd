namespace Atom.Cli.Tests.Output;

public sealed class DisplayTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 kB")]
    [InlineData(1_500, "1.5 kB")]
    [InlineData(99_940, "99.9 kB")]
    [InlineData(99_960, "100 kB")]
    [InlineData(999_960, "1.0 MB")]
    [InlineData(6_000_000, "6.0 MB")]
    [InlineData(123_456_789, "123 MB")]
    [InlineData(5L * 1000 * 1000 * 1000 * 1000, "5.0 TB")]
    public void Bytes_read_in_powers_of_a_thousand(long bytes, string text) => Assert.Equal(text, Display.Bytes(bytes));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(4.2, "5s")]
    [InlineData(59, "59s")]
    [InlineData(185, "3m05s")]
    [InlineData(7620, "2h07m")]
    public void Durations_read_like_a_countdown(double seconds, string text) => Assert.Equal(text, Display.Duration(TimeSpan.FromSeconds(seconds)));
}
