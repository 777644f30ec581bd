namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>
/// Maps tokens from <see cref="WordTokenizer"/> to word indexes, falling back where GloVe's vocabulary splits differently:
/// a compound it lacks is looked up part by part ("state-of-the-art" → state, of, the, art), and English clitics, which
/// GloVe's tokenization split off and the wink package dropped ('s, n't), become their words ("don't" → do, not;
/// "they're" → they, are; "it's" → it). Other apostrophes are tried joined ("o'neill" → oneill), then part by part.
/// Lookups take spans: no string is made per token.
/// </summary>
internal sealed class Vocabulary
{
    /// <summary>The most indexes one token resolves to: every other character a hyphen, plus one clitic word.</summary>
    public const int MaxIndexesPerToken = WordTokenizer.MaxTokenLength / 2 + 2;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly int not;
    private readonly int are;
    private readonly int have;
    private readonly int will;
    private readonly int would;
    private readonly int am;

    /// <summary>Initializes a vocabulary of <paramref name="words"/>, each one's index its position.</summary>
    public Vocabulary(string[] words)
    {
        var indexes = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++)
        {
            // A duplicate keeps its first, more frequent, position.
            indexes.TryAdd(words[i], i);
        }

        lookup = indexes.GetAlternateLookup<ReadOnlySpan<char>>();
        not = Find("not");
        are = Find("are");
        have = Find("have");
        will = Find("will");
        would = Find("would");
        am = Find("am");
    }

    /// <summary>Gets the index of <paramref name="word"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> word) => lookup.TryGetValue(word, out var index) ? index : -1;

    /// <summary>Writes the indexes <paramref name="token"/> stands for into <paramref name="indexes"/>.</summary>
    /// <param name="token">A token from <see cref="WordTokenizer"/>.</param>
    /// <param name="indexes">At least <see cref="MaxIndexesPerToken"/> slots.</param>
    /// <returns>How many were written; 0 for an unknown word.</returns>
    public int Resolve(ReadOnlySpan<char> token, Span<int> indexes)
    {
        var whole = Find(token);
        if (whole >= 0)
        {
            indexes[0] = whole;
            return 1;
        }

        if (token.IndexOf('-') < 0)
        {
            return ResolvePart(token, indexes);
        }

        var count = 0;
        foreach (var range in token.Split('-'))
        {
            count += ResolvePart(token[range], indexes[count..]);
        }

        return count;
    }

    private int ResolvePart(ReadOnlySpan<char> part, Span<int> indexes)
    {
        var count = Add(Find(part), indexes, 0);
        var apostrophe = part.LastIndexOf('\'');
        if (count > 0 || apostrophe < 0)
        {
            return count;
        }

        var stem = part[..apostrophe];
        var clitic = part[(apostrophe + 1)..];
        switch (clitic)
        {
            case "t" when stem.Length > 1 && stem[^1] == 'n':
                // GloVe split "don't" as do + n't: "do", "ca", "wo" and "does" are in the vocabulary.
                var head = Find(stem[..^1]);
                count = Add(head >= 0 ? head : Find(stem), indexes, 0);
                return Add(not, indexes, count);
            case "s":
                return Add(Find(stem), indexes, 0);
            case "re":
                return Add(are, indexes, Add(Find(stem), indexes, 0));
            case "ve":
                return Add(have, indexes, Add(Find(stem), indexes, 0));
            case "ll":
                return Add(will, indexes, Add(Find(stem), indexes, 0));
            case "d":
                return Add(would, indexes, Add(Find(stem), indexes, 0));
            case "m":
                return Add(am, indexes, Add(Find(stem), indexes, 0));
        }

        Span<char> joined = stackalloc char[part.Length];
        var length = 0;
        foreach (var c in part)
        {
            if (c != '\'')
            {
                joined[length++] = c;
            }
        }

        count = Add(Find(joined[..length]), indexes, 0);
        if (count > 0)
        {
            return count;
        }

        foreach (var range in part.Split('\''))
        {
            count = Add(Find(part[range]), indexes, count);
        }

        return count;
    }

    private static int Add(int index, Span<int> indexes, int count)
    {
        if (index < 0)
        {
            return count;
        }

        indexes[count] = index;
        return count + 1;
    }
}
