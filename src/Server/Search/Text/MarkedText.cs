using System.Text;

namespace Atom.Server.Search.Text;

/// <summary>A passage of text with the parts that matched a query, as <c>(start, length)</c> in UTF-16 code units.</summary>
/// <param name="Text">The plain text.</param>
/// <param name="Highlights">The matched parts, in order, not overlapping.</param>
public sealed record MarkedText(string Text, IReadOnlyList<(int Start, int Length)> Highlights)
{
    /// <summary>What the engines are asked to put around a match: control characters that stored text never holds.</summary>
    public const char Open = '\u0002';

    /// <summary>What ends a match.</summary>
    public const char Close = '\u0003';

    /// <summary>Reads text in which the engine marked matches with <see cref="Open"/> and <see cref="Close"/>.</summary>
    /// <param name="marked">The marked text.</param>
    /// <returns>The plain text and the matches.</returns>
    public static MarkedText Parse(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var text = new StringBuilder(marked.Length);
        var spans = new List<(int, int)>();
        var start = -1;
        foreach (var c in marked)
        {
            if (c == Open)
            {
                start = text.Length;
            }
            else if (c == Close)
            {
                if (start >= 0 && text.Length > start)
                {
                    spans.Add((start, text.Length - start));
                }

                start = -1;
            }
            else
            {
                text.Append(c);
            }
        }

        return new MarkedText(text.ToString(), spans);
    }

    /// <summary>
    /// The start of a text, cut at a word after about <paramref name="maxWords"/> words, with the words of a query
    /// marked where a word of the text starts with one: the snippet of a result found by meaning, not by its words.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="words">The query's words, lower case.</param>
    /// <param name="maxWords">About how many words to keep.</param>
    /// <returns>The excerpt.</returns>
    public static MarkedText Excerpt(string text, IReadOnlyCollection<string> words, int maxWords = 30)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        var spans = new List<(int, int)>();
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                break;
            }

            if (++count > maxWords)
            {
                return new MarkedText(text[..start].TrimEnd() + " …", spans);
            }

            var word = text[start..i];
            if (words.Any(w => w.Length >= 3 && word.StartsWith(w, StringComparison.OrdinalIgnoreCase)))
            {
                spans.Add((start, i - start));
            }
        }

        return new MarkedText(text, spans);
    }
}
