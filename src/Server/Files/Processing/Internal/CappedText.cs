using System.Text;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// Text built from a file's pieces with whitespace runs collapsed (a space within a line, at most one blank line
/// between blocks), that stops growing at a cap and remembers it did, so extractors can stop reading early.
/// </summary>
internal sealed class CappedText(int maxChars)
{
    private readonly StringBuilder _text = new();
    private int _pendingBreaks;
    private bool _pendingSpace;

    public bool Truncated { get; private set; }

    public bool IsFull => Truncated;

    /// <summary>Records that the source was cut before it reached here (a tool's output cap, a read cap).</summary>
    public void MarkTruncated() => Truncated = true;

    /// <summary>Appends text; its whitespace runs become single spaces (line breaks within it included).</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                _pendingSpace = _text.Length > 0;
                continue;
            }

            if (_pendingBreaks > 0 && _text.Length > 0)
            {
                Put(_pendingBreaks > 1 ? "\n\n" : "\n");
            }
            else if (_pendingSpace)
            {
                Put(" ");
            }

            (_pendingBreaks, _pendingSpace) = (0, false);
            Put(c);
            if (Truncated)
            {
                return;
            }
        }
    }

    /// <summary>Appends text line by line, keeping its line breaks (for text that is already laid out, like pdftotext's).</summary>
    public void AppendLines(ReadOnlySpan<char> text)
    {
        var blank = 0;
        foreach (var line in text.EnumerateLines())
        {
            if (line.IsWhiteSpace())
            {
                blank++;
                continue;
            }

            if (blank > 0)
            {
                Paragraph();
            }
            else
            {
                Line();
            }

            blank = 0;
            Append(line);
            if (Truncated)
            {
                return;
            }
        }
    }

    /// <summary>Ends the current line, if any.</summary>
    public void Line() => _pendingBreaks = Math.Max(_pendingBreaks, 1);

    /// <summary>Ends the current block with a blank line, if any.</summary>
    public void Paragraph() => _pendingBreaks = 2;

    public override string ToString() => _text.ToString();

    private void Put(char c)
    {
        if (_text.Length >= maxChars)
        {
            Truncated = true;
            return;
        }

        _text.Append(c);
    }

    private void Put(string s)
    {
        foreach (var c in s)
        {
            Put(c);
        }
    }
}
