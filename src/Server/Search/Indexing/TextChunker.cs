namespace Atom.Server.Search.Indexing;

/// <summary>
/// Cuts a long text into overlapping passages of words, so that each embedding stands for a passage small enough to
/// have one meaning, and a sentence cut at a boundary is still whole in the passage before or after it.
/// </summary>
/// <param name="wordsPerChunk">Words in a passage.</param>
/// <param name="overlapWords">Words a passage shares with the one before it.</param>
public sealed class TextChunker(int wordsPerChunk = 200, int overlapWords = 40)
{
    /// <summary>The most passages one source is cut into; the rest of a huge text is not indexed.</summary>
    public const int MaxChunks = 2000;

    /// <summary>Cuts a text into passages; a short text is one passage, an empty one none.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The passages, in order.</returns>
    public IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return [];
        }

        if (words.Length <= wordsPerChunk)
        {
            return [string.Join(' ', words)];
        }

        var step = Math.Max(1, wordsPerChunk - overlapWords);
        var chunks = new List<string>();
        for (var start = 0; start < words.Length && chunks.Count < MaxChunks; start += step)
        {
            chunks.Add(string.Join(' ', words, start, Math.Min(wordsPerChunk, words.Length - start)));
            if (start + wordsPerChunk >= words.Length)
            {
                break;
            }
        }

        return chunks;
    }
}
