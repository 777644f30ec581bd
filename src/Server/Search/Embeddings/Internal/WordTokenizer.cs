using System.Globalization;
using System.Text;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Splits text into the word forms GloVe's vocabulary uses: lower case, diacritics folded to ASCII where Latin letters
/// carry them (GloVe's vocabulary in the wink package is ASCII: "café" is "cafe"), runs of Unicode letters and digits,
/// with a hyphen or apostrophe kept only between two such characters ("well-known", "don't"). Everything else separates:
/// punctuation, symbols, emoji, white space. Digits stay in tokens ("g20", "mid-1990s"); the vocabulary has no bare
/// numbers, so "2024" is looked up and skipped. Allocation-free: tokens are written into a buffer the caller owns.
/// </summary>
internal ref struct WordTokenizer
{
    /// <summary>The longest token yielded; longer runs (hashes, base64) are skipped. GloVe's longest word has 42 letters.</summary>
    public const int MaxTokenLength = 128;

    private static readonly string?[] LatinFolds = BuildLatinFolds();

    private readonly ReadOnlySpan<char> text;
    private readonly Span<char> buffer;
    private int position;

    /// <summary>Initializes a tokenizer over <paramref name="text"/> writing into <paramref name="buffer"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="buffer">At least <see cref="MaxTokenLength"/> characters.</param>
    public WordTokenizer(ReadOnlySpan<char> text, Span<char> buffer)
    {
        if (buffer.Length < MaxTokenLength)
        {
            throw new ArgumentException($"The buffer must hold {MaxTokenLength} characters.", nameof(buffer));
        }

        this.text = text;
        this.buffer = buffer;
    }

    /// <summary>Moves to the next token.</summary>
    /// <param name="token">The token, valid until the next call.</param>
    /// <returns>False at the end of the text.</returns>
    public bool MoveNext(out ReadOnlySpan<char> token)
    {
        while (position < text.Length)
        {
            var kind = Classify(position, out var rune, out var consumed);
            if (kind != CharKind.Word)
            {
                position += consumed;
                continue;
            }

            var length = 0;
            var tooLong = false;
            while (position < text.Length)
            {
                kind = Classify(position, out rune, out consumed);
                if (kind == CharKind.Word)
                {
                    tooLong |= !Append(rune, ref length);
                }
                else if (kind == CharKind.Joiner && length > 0 && position + consumed < text.Length
                    && Classify(position + consumed, out _, out _) == CharKind.Word)
                {
                    tooLong |= !Append(rune.Value is '-' or 0x2010 or 0x2011 ? '-' : '\'', ref length);
                }
                else if (kind != CharKind.Mark)
                {
                    break;
                }

                position += consumed;
            }

            if (!tooLong && length > 0)
            {
                token = buffer[..length];
                return true;
            }
        }

        token = default;
        return false;
    }

    private enum CharKind
    {
        Separator,
        Word,
        Joiner,
        Mark,
    }

    private readonly CharKind Classify(int at, out Rune rune, out int consumed)
    {
        var c = text[at];
        consumed = 1;
        if (c < 128)
        {
            rune = new Rune(c);
            return char.IsAsciiLetterOrDigit(c) ? CharKind.Word : c is '-' or '\'' ? CharKind.Joiner : CharKind.Separator;
        }

        if (Rune.DecodeFromUtf16(text[at..], out rune, out consumed) != System.Buffers.OperationStatus.Done)
        {
            // A lone surrogate: a separator, never an exception.
            consumed = 1;
            return CharKind.Separator;
        }

        // ’ (U+2019) and ʼ (U+02BC, a letter to Unicode) are how typographic apostrophes arrive; ‐ and ‑ are hyphens.
        if (rune.Value is 0x2019 or 0x02BC or 0x2010 or 0x2011)
        {
            return CharKind.Joiner;
        }

        if (Rune.IsLetterOrDigit(rune))
        {
            return CharKind.Word;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            ? CharKind.Mark
            : CharKind.Separator;
    }

    // False when the token no longer fits: the rest of it is still consumed, and the whole token skipped.
    private readonly bool Append(Rune rune, ref int length)
    {
        if (rune.Value < 128)
        {
            if (length == MaxTokenLength)
            {
                return false;
            }

            buffer[length++] = char.ToLowerInvariant((char)rune.Value);
            return true;
        }

        var lower = Rune.ToLowerInvariant(rune);
        var fold = lower.Value < LatinFolds.Length ? LatinFolds[lower.Value] : null;
        if (fold is not null)
        {
            if (length + fold.Length > MaxTokenLength)
            {
                return false;
            }

            fold.CopyTo(buffer[length..]);
            length += fold.Length;
            return true;
        }

        if (length + lower.Utf16SequenceLength > MaxTokenLength)
        {
            return false;
        }

        length += lower.EncodeToUtf16(buffer[length..]);
        return true;
    }

    private readonly bool Append(char c, ref int length)
    {
        if (length == MaxTokenLength)
        {
            return false;
        }

        buffer[length++] = c;
        return true;
    }

    // Latin-1 Supplement and Latin Extended-A/B: the letter without its marks (NFD minus combining marks), plus the
    // letters NFD leaves alone but English spells with ASCII.
    private static string?[] BuildLatinFolds()
    {
        var folds = new string?[0x250];
        for (var c = 0xC0; c < folds.Length; c++)
        {
            var decomposed = ((char)c).ToString().Normalize(NormalizationForm.FormD);
            var bare = string.Concat(decomposed.Where(d => CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark));
            if (bare.Length > 0 && bare.All(char.IsAsciiLetter))
            {
                folds[c] = bare.ToLowerInvariant();
            }
        }

        folds['ß'] = "ss";
        folds['æ'] = "ae";
        folds['œ'] = "oe";
        folds['ø'] = "o";
        folds['ł'] = "l";
        folds['đ'] = "d";
        folds['ð'] = "d";
        folds['þ'] = "th";
        folds['ı'] = "i";
        return folds;
    }
}
