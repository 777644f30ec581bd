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
}
