using Atom.Cli.Search;

namespace Atom.Cli.Tests.Search;

public sealed class TextStyleTests
{
    [Fact]
    public void Piped_output_is_plain_as_for_every_other_command()
    {
        Assert.Same(TextStyle.Plain, TextStyle.For(ColorChoice.Auto, redirected: true, Environment()));
        Assert.Same(TextStyle.Plain, TextStyle.For(ColorChoice.Auto, redirected: false, Environment(term: "dumb")));
        Assert.Same(TextStyle.Plain, TextStyle.For(ColorChoice.Never, redirected: false, Environment()));
    }

    [Fact]
    public void A_terminal_gets_colour_and_no_color_keeps_only_bold_and_underline()
    {
        Assert.Same(TextStyle.Color, TextStyle.For(ColorChoice.Auto, redirected: false, Environment()));
        Assert.Same(TextStyle.Monochrome, TextStyle.For(ColorChoice.Auto, redirected: false, Environment(noColor: "1")));

        // Bold and underline: no colour, which is all NO_COLOR asks to drop.
        Assert.Equal("\u001b[1;4m", TextStyle.Monochrome.Match);
    }

    [Fact]
    public void Always_styles_piped_output_too()
    {
        Assert.Same(TextStyle.Color, TextStyle.For(ColorChoice.Always, redirected: true, Environment()));
        Assert.Same(TextStyle.Monochrome, TextStyle.For(ColorChoice.Always, redirected: true, Environment(noColor: "1")));
    }

    private static Func<string, string?> Environment(string? term = "xterm-256color", string? noColor = null) =>
        name => name switch { "TERM" => term, "NO_COLOR" => noColor, _ => null };
}
