using System.Globalization;
using System.Text;
using Atom.V1;

namespace Atom.Cli.Search;

/// <summary>
/// A snippet as a terminal shows it: on one line, with the spans the server marked as matches styled. The spans count
/// UTF-16 code units, as C# strings do, so they index the text directly; a span that cuts into a character (half a
/// surrogate pair, an emoji's modifier, an accent) grows to the whole character, so no escape code lands inside one.
/// </summary>
internal static class SnippetText
{
    /// <summary>Gets a snippet's text with its matches styled.</summary>
    /// <param name="snippet">The snippet.</param>
    /// <param name="match">Starts a match (see <see cref="TextStyle.Match"/>); empty leaves the text plain.</param>
    /// <returns>The line.</returns>
    public static string Render(Snippet snippet, string match)
    {
        var text = Printable(snippet.Text);
        if (match.Length == 0)
        {
            return text;
        }

        var line = new StringBuilder(text.Length + (snippet.Highlights.Count * 12));
        var at = 0;
        foreach (var (start, end) in Spans(text, snippet.Highlights))
        {
            line.Append(text, at, start - at).Append(TextStyle.Apply(match, text[start..end]));
            at = end;
        }

        return line.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// Gets the spans to style: inside the text, widened to whole characters (grapheme clusters), in order, and
    /// overlapping or touching ones joined.
    /// </summary>
    /// <param name="text">The text the spans index.</param>
    /// <param name="highlights">The spans as the server sent them, in UTF-16 code units.</param>
    /// <returns>Start and end (exclusive) of each span.</returns>
    public static IReadOnlyList<(int Start, int End)> Spans(string text, IEnumerable<TextSpan> highlights)
    {
        var spans = new List<(int Start, int End)>();
        int[]? boundaries = null;
        foreach (var highlight in highlights.OrderBy(h => h.Start))
        {
            var start = (int)Math.Clamp(highlight.Start, 0L, text.Length);
            var end = (int)Math.Clamp((long)highlight.Start + highlight.Length, start, text.Length);
            if (end == start)
            {
                continue;
            }

            boundaries ??= [.. StringInfo.ParseCombiningCharacters(text), text.Length];
            start = boundaries[AtOrBefore(boundaries, start)];
            end = boundaries[AtOrAfter(boundaries, end)];
            if (spans.Count > 0 && start <= spans[^1].End)
            {
                spans[^1] = (spans[^1].Start, Math.Max(end, spans[^1].End));
            }
            else
            {
                spans.Add((start, end));
            }
        }

        return spans;
    }

    // The boundaries start at 0 and end at the text's length, so both always find one.
    private static int AtOrBefore(int[] boundaries, int index)
    {
        var found = Array.BinarySearch(boundaries, index);
        return found >= 0 ? found : ~found - 1;
    }

    private static int AtOrAfter(int[] boundaries, int index)
    {
        var found = Array.BinarySearch(boundaries, index);
        return found >= 0 ? found : ~found;
    }

    /// <summary>
    /// Gets a text safe to print on one line: line breaks and tabs become spaces, other control characters (an escape
    /// sequence in a message would restyle or move the cursor of whoever searches) become U+FFFD. One character for
    /// one, so spans still index the result.
    /// </summary>
    /// <param name="text">The text, as anyone may have written it.</param>
    /// <returns>The printable text.</returns>
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        return string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                chars[i] = !char.IsControl(c) ? c : c is '\n' or '\r' or '\t' ? ' ' : '\uFFFD';
            }
        });
    }
}
