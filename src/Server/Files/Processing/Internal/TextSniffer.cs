using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// Tells text from binary and the text formats apart, from a file's first bytes. The heuristics, in order:
/// <list type="number">
/// <item>Encoding: a UTF-8 or UTF-16 byte order mark, else the bytes must be valid UTF-8. A NUL character, or more than
/// 1% C0 controls other than tab, line feeds, form feed and escape, means binary.</item>
/// <item>JSON: the first non-blank character is <c>{</c> or <c>[</c> and the text parses with System.Text.Json within the
/// depth limit (for a file longer than the sniffed prefix, the prefix is valid so far). A bare scalar such as <c>42</c> is
/// left as text, and JSON nested past the limit is refused as JSON, so it is read as plain text.</item>
/// <item>HTML: after blanks, comments and an XML prolog, the text starts with <c>&lt;!doctype html</c> or <c>&lt;html</c>.
/// Fragments without them are plain text: they are not rendered as pages anywhere.</item>
/// <item>Markdown: a score of markers of at least 3. Syntax that plain text does not use counts 3 alone: a heading on the
/// first line, a code fence, an inline link or image <c>[text](target)</c>, a table's separator row. Other headings count 2,
/// list items 1 each (at most 2), a block quote, emphasis and inline code 1 each. So <c># Title</c> alone is Markdown, a
/// note with two dashed items is not. A file of shell-style <c># comment</c> lines reads as Markdown too: the cost is a
/// rendered preview, not a risk.</item>
/// <item>CSV: at least two records (quoted fields with embedded delimiters and line breaks honoured), each with the same
/// number (two or more) of fields split by <c>,</c> or <c>;</c>. Tab-separated text stays plain text.</item>
/// <item>Anything else that decodes is plain text, the empty file included.</item>
/// </list>
/// </summary>
internal static class TextSniffer
{
    private const int MaxScannedLines = 200;
    private const int MaxCsvRecords = 50;

    /// <summary>Decodes <paramref name="bytes"/> as text; null when they are binary.</summary>
    /// <param name="bytes">The file's first bytes.</param>
    /// <param name="complete">Whether they are the whole file (else a character cut at the end is dropped).</param>
    public static (string Text, string Encoding)? Decode(ReadOnlySpan<byte> bytes, bool complete)
    {
        string text;
        string encoding;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var littleEndian = bytes[0] == 0xFF;
            var body = bytes[2..];
            body = body[..(body.Length & ~1)];
            var decoder = new UnicodeEncoding(bigEndian: !littleEndian, byteOrderMark: false, throwOnInvalidBytes: true);
            try
            {
                text = decoder.GetString(body);
            }
            catch (DecoderFallbackException) when (!complete)
            {
                // The prefix may end inside a surrogate pair.
                try
                {
                    text = decoder.GetString(body[..Math.Max(0, body.Length - 2)]);
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }
            }
            catch (DecoderFallbackException)
            {
                return null;
            }

            encoding = littleEndian ? "utf-16le" : "utf-16be";
        }
        else
        {
            var hasBom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
            var body = hasBom ? bytes[3..] : bytes;
            var chars = ArrayPool<char>.Shared.Rent(body.Length + 1);
            try
            {
                var status = Utf8.ToUtf16(body, chars, out _, out var written, replaceInvalidSequences: false, isFinalBlock: complete);
                if (status is not (System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.NeedMoreData))
                {
                    return null;
                }

                text = new string(chars, 0, written);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }

            encoding = "utf-8";
        }

        return LooksBinary(text) ? null : (text, encoding);
    }

    /// <summary>Which text format <paramref name="text"/> is.</summary>
    public static DetectedType Classify(string text, bool complete, int maxJsonDepth)
    {
        var start = text.AsSpan().TrimStart();
        if (start.Length > 0 && (start[0] == '{' || start[0] == '[') && IsJson(text, complete, maxJsonDepth))
        {
            return KnownTypes.Json;
        }

        if (IsHtml(start))
        {
            return KnownTypes.Html;
        }

        var lines = Lines(text, complete);
        if (MarkdownScore(lines) >= 3)
        {
            return KnownTypes.Markdown;
        }

        return IsCsv(text, complete) ? KnownTypes.Csv : KnownTypes.Txt;
    }

    private static bool LooksBinary(string text)
    {
        var controls = 0;
        foreach (var c in text)
        {
            if (c == '\0')
            {
                return true;
            }

            if ((c < ' ' && c is not ('\t' or '\n' or '\r' or '\f' or '\v' or '\u001B')) || c == '\u007F')
            {
                controls++;
            }
        }

        return controls > text.Length / 100;
    }

    private static bool IsJson(string text, bool complete, int maxDepth)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), complete, new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth }));
        try
        {
            while (reader.Read())
            {
            }

            // A complete document must have closed every container; a prefix only has to be valid so far.
            return !complete || reader.CurrentDepth == 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsHtml(ReadOnlySpan<char> text)
    {
        for (var skipped = 0; skipped < 16; skipped++)
        {
            text = text.TrimStart();
            if (text.StartsWith("<!--"))
            {
                var end = text.IndexOf("-->");
                if (end < 0)
                {
                    return false;
                }

                text = text[(end + 3)..];
            }
            else if (text.StartsWith("<?xml"))
            {
                var end = text.IndexOf("?>");
                if (end < 0)
                {
                    return false;
                }

                text = text[(end + 2)..];
            }
            else
            {
                break;
            }
        }

        if (text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase))
        {
            return text.Length == 14 || !char.IsAsciiLetterOrDigit(text[14]);
        }

        return text.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            && (text.Length == 5 || text[5] is '>' or '/' || char.IsWhiteSpace(text[5]));
    }

    private static List<string> Lines(string text, bool complete)
    {
        var lines = new List<string>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (lines.Count == MaxScannedLines)
            {
                return lines;
            }

            lines.Add(line.ToString());
        }

        if (!complete && lines.Count > 1)
        {
            lines.RemoveAt(lines.Count - 1); // cut by the prefix
        }

        return lines;
    }

    private static int MarkdownScore(List<string> lines)
    {
        int score = 0, listItems = 0;
        bool fence = false, link = false, table = false, quote = false, emphasis = false, code = false, heading = false;
        var firstContent = lines.FindIndex(l => !string.IsNullOrWhiteSpace(l));
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var body = line.AsSpan();
            var indent = body.Length - body.TrimStart(' ').Length;
            var content = body.TrimStart(' ');
            if (indent <= 3 && IsAtxHeading(content))
            {
                score += i == firstContent ? 3 : heading ? 0 : 2;
                heading = true;
            }

            if (!fence && indent <= 3 && (content.StartsWith("```") || content.StartsWith("~~~")))
            {
                fence = true;
                score += 3;
            }

            if (!link && HasInlineLink(body))
            {
                link = true;
                score += 3;
            }

            if (!table && IsTableSeparator(content))
            {
                table = true;
                score += 3;
            }

            if (listItems < 2 && IsListItem(content))
            {
                listItems++;
                score++;
            }

            if (!quote && content.StartsWith("> "))
            {
                quote = true;
                score++;
            }

            if (!emphasis && HasDelimited(body, "**"))
            {
                emphasis = true;
                score++;
            }

            if (!code && HasDelimited(body, "`"))
            {
                code = true;
                score++;
            }
        }

        return score;
    }

    private static bool IsAtxHeading(ReadOnlySpan<char> line)
    {
        var hashes = line.Length - line.TrimStart('#').Length;
        return hashes is >= 1 and <= 6 && line.Length > hashes && line[hashes] is ' ' or '\t' && !line[hashes..].IsWhiteSpace();
    }

    private static bool HasInlineLink(ReadOnlySpan<char> line)
    {
        // [text](target): a closing bracket directly followed by a parenthesis, with an opening bracket before it
        // and a closing parenthesis after it.
        var at = line.IndexOf("](");
        return at > 0 && line[..at].Contains('[') && line[(at + 2)..].IndexOf(')') > 0;
    }

    private static bool IsTableSeparator(ReadOnlySpan<char> line)
    {
        line = line.Trim();
        if (line.Length < 3 || !line.Contains('-') || !line.Contains('|'))
        {
            return false;
        }

        foreach (var c in line)
        {
            if (c is not ('|' or '-' or ':' or ' '))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsListItem(ReadOnlySpan<char> line)
    {
        if (line.Length >= 3 && line[0] is '-' or '*' or '+' && line[1] == ' ' && !char.IsWhiteSpace(line[2]))
        {
            return true;
        }

        var digits = line.Length - line.TrimStart("0123456789").Length;
        return digits is >= 1 and <= 9 && line.Length > digits + 2 && line[digits] is '.' or ')' && line[digits + 1] == ' ';
    }

    private static bool HasDelimited(ReadOnlySpan<char> line, string marker)
    {
        var open = line.IndexOf(marker);
        if (open < 0)
        {
            return false;
        }

        var rest = line[(open + marker.Length)..];
        var close = rest.IndexOf(marker);
        return close > 0 && !char.IsWhiteSpace(rest[0]);
    }

    private static bool IsCsv(string text, bool complete)
    {
        foreach (var delimiter in (ReadOnlySpan<char>)[',', ';'])
        {
            var counts = CsvFieldCounts(text, delimiter, complete);
            if (counts is { Count: >= 2 } && counts[0] >= 2 && counts.TrueForAll(c => c == counts[0]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The number of fields of each of the first records; null when a quoted field never closes in a complete file.</summary>
    private static List<int>? CsvFieldCounts(string text, char delimiter, bool complete)
    {
        var counts = new List<int>();
        int fields = 1;
        bool quoted = false, fieldStart = true, recordHasContent = false;
        for (var i = 0; i < text.Length && counts.Count < MaxCsvRecords; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }

                continue;
            }

            if (c == '"' && fieldStart)
            {
                quoted = true;
                fieldStart = false;
                recordHasContent = true;
            }
            else if (c == delimiter)
            {
                fields++;
                fieldStart = true;
                recordHasContent = true;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (recordHasContent)
                {
                    counts.Add(fields);
                }

                (fields, fieldStart, recordHasContent) = (1, true, false);
            }
            else
            {
                fieldStart = false;
                recordHasContent = true;
            }
        }

        if (quoted && complete)
        {
            return null;
        }

        // A last record without a line break counts only when the file really ends there.
        if (recordHasContent && complete && counts.Count < MaxCsvRecords)
        {
            counts.Add(fields);
        }

        return counts;
    }
}
