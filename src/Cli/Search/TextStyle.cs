namespace Atom.Cli.Search;

/// <summary>When <c>atom search</c> marks what matched with escape codes (its <c>--color</c>).</summary>
internal enum ColorChoice
{
    /// <summary>On a terminal, unless TERM is dumb; never when output is piped or redirected.</summary>
    Auto,

    /// <summary>Always, piped or not (for <c>less -R</c>).</summary>
    Always,

    /// <summary>Never.</summary>
    Never,
}

/// <summary>
/// The escape codes search results are printed with: the words that matched, a result's title, the hint under it.
/// Piped output gets none, so scripts and logs see plain text as from every other command (the spans are in
/// <c>--output json</c>); NO_COLOR (https://no-color.org) drops the colour but keeps bold and underline, which it
/// does not ask to drop, so matches still stand out.
/// </summary>
/// <param name="Match">Starts a word that matched.</param>
/// <param name="Strong">Starts a title.</param>
/// <param name="Faint">Starts a hint.</param>
internal sealed record TextStyle(string Match, string Strong, string Faint)
{
    /// <summary>No escape codes at all.</summary>
    public static readonly TextStyle Plain = new(string.Empty, string.Empty, string.Empty);

    /// <summary>Matches in bold red, as grep marks them.</summary>
    public static readonly TextStyle Color = new("\u001b[1;31m", Terminal.Bold, Terminal.Dim);

    /// <summary>Matches bold and underlined, without colour, for NO_COLOR.</summary>
    public static readonly TextStyle Monochrome = new("\u001b[1;4m", Terminal.Bold, Terminal.Dim);

    /// <summary>Chooses the style for an invocation.</summary>
    /// <param name="choice">The <c>--color</c> given.</param>
    /// <param name="redirected">Whether standard output is not a terminal.</param>
    /// <param name="environment">Reads an environment variable (NO_COLOR, TERM).</param>
    /// <returns>The style.</returns>
    public static TextStyle For(ColorChoice choice, bool redirected, Func<string, string?> environment)
    {
        if (choice == ColorChoice.Never || (choice == ColorChoice.Auto && (redirected || environment("TERM") == "dumb")))
        {
            return Plain;
        }

        return string.IsNullOrEmpty(environment("NO_COLOR")) ? Color : Monochrome;
    }

    /// <summary>Wraps a text in a style's start and the reset after it; an empty start leaves the text as it is.</summary>
    /// <param name="start">The start, e.g. <see cref="Strong"/>.</param>
    /// <param name="text">The text.</param>
    /// <returns>The styled text.</returns>
    public static string Apply(string start, string text) => start.Length == 0 || text.Length == 0 ? text : start + text + Terminal.Plain;
}
