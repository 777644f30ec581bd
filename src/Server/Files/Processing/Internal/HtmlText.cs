using System.Net;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// The visible text of an HTML page, by one forward scan (no regular expressions, no DOM): tags, comments, declarations
/// and the contents of <c>script</c>, <c>style</c> and <c>template</c> are dropped, entities decoded, block elements
/// become line breaks. Every search moves forward, so the work is linear in the page's length whatever its markup.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Hidden = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "title" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tr", "ul", "td", "th", "caption",
    };

    /// <summary>Extracts the visible text into <paramref name="text"/>; returns the page's title, if any.</summary>
    public static string? Extract(string html, CappedText text)
    {
        string? title = null;
        var i = 0;
        while (i < html.Length && !text.IsFull)
        {
            if (html[i] != '<')
            {
                var next = html.IndexOf('<', i);
                var end = next < 0 ? html.Length : next;
                text.Append(WebUtility.HtmlDecode(html[i..end]));
                i = end;
                continue;
            }

            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                i = After(html, "-->", i + 4);
                continue;
            }

            var closing = i + 1 < html.Length && html[i + 1] == '/';
            var nameStart = closing ? i + 2 : i + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] == '-'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart && nameStart < html.Length && html[nameStart] is not ('!' or '?'))
            {
                text.Append("<"); // a bare "<" as in "a < b"
                i++;
                continue;
            }

            var name = html[nameStart..nameEnd];
            i = TagEnd(html, nameEnd);
            if (Blocks.Contains(name))
            {
                text.Line();
            }

            if (closing || html[i - 2] == '/' || !Hidden.Contains(name))
            {
                continue;
            }

            // Raw text: what a script or style holds is never markup, so only its closing tag ends it.
            var close = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
            var contentEnd = close < 0 ? html.Length : close;
            if (name.Equals("title", StringComparison.OrdinalIgnoreCase) && title is null)
            {
                title = WebUtility.HtmlDecode(html[i..contentEnd]).Trim();
            }

            i = contentEnd;
        }

        return string.IsNullOrEmpty(title) ? null : title;
    }

    private static int After(string html, string marker, int from)
    {
        var at = html.IndexOf(marker, from, StringComparison.Ordinal);
        return at < 0 ? html.Length : at + marker.Length;
    }

    /// <summary>
    /// The index after the <c>&gt;</c> closing a tag, skipping quoted attribute values (which may hold <c>&gt;</c>).
    /// A quote opens a value only right after <c>=</c>, as in browsers, so <c>title=don't</c> does not swallow the page.
    /// </summary>
    private static int TagEnd(string html, int from)
    {
        var quote = '\0';
        var previous = '\0';
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'' && previous == '=')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i + 1;
            }

            if (!char.IsWhiteSpace(c))
            {
                previous = c;
            }
        }

        return html.Length;
    }
}
