namespace Atom.Cli;

/// <summary>
/// What the CLI draws on a terminal with: the escape codes of a line that is drawn again in place (a chat prompt, a
/// progress bar), and how wide the terminal is.
/// </summary>
internal static class Terminal
{
    /// <summary>Returns to the start of the line and erases it, so the next text replaces what was drawn.</summary>
    public const string ClearLine = "\r\u001b[2K";

    /// <summary>Starts bold text.</summary>
    public const string Bold = "\u001b[1m";

    /// <summary>Starts faint text.</summary>
    public const string Dim = "\u001b[2m";

    /// <summary>Ends any styling.</summary>
    public const string Plain = "\u001b[0m";

    /// <summary>Gets the terminal's width in columns, or 80 when there is no terminal to ask.</summary>
    /// <returns>The width.</returns>
    public static int Width()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
