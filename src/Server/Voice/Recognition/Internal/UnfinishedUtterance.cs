namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// Whether words heard so far stop where no English sentence or voice command ends: on an article, a preposition, a conjunction,
/// a pronoun that wants its verb, or a command that wants its room, query or text ("send a message to", "search for", "saying").
/// A pause there is a speaker thinking, not done, so it ends the utterance only after <see cref="SpeechRecognitionOptions.MidSentencePause"/>.
/// </summary>
internal static class UnfinishedUtterance
{
    private static readonly HashSet<string> OpenEnds = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "this", "that", "these", "those", "some", "any", "every", "no",
        "to", "of", "for", "in", "on", "at", "with", "from", "by", "about", "into", "onto", "over", "under", "than", "as", "like",
        "and", "or", "but", "if", "because", "so", "when", "while", "although", "whether",
        "i", "we", "you", "he", "she", "they", "is", "are", "was", "were", "be", "will", "would", "can", "could", "should", "must",
        // The voice commands' words that a room, a query or a message must follow.
        "search", "find", "send", "message", "post", "summarize", "summary", "open", "go", "switch", "room", "saying",
    };

    /// <summary>
    /// Whether a pause may end an utterance in which <paramref name="hypothesis"/> (pocketsphinx's lower-case words) was heard so
    /// far: it has words, and its last one can end it. Without words, whatever the silence follows was not speech the decoder
    /// took (or not yet): its own detector decides.
    /// </summary>
    public static bool CanEnd(string hypothesis)
    {
        var last = hypothesis.AsSpan().TrimEnd();
        if (last.IsEmpty)
        {
            return false;
        }

        var word = last[(last.LastIndexOf(' ') + 1)..].ToString();
        var variant = word.IndexOf('(', StringComparison.Ordinal);
        return !OpenEnds.Contains(variant > 0 ? word[..variant] : word);
    }
}
