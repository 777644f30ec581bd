namespace Atom.Server.Voice.Recognition;

/// <summary>What a recognition session listens for.</summary>
public sealed class RecognitionOptions
{
    /// <summary>Gets the default options: dictation, no hints.</summary>
    public static RecognitionOptions Dictation { get; } = new();

    /// <summary>Gets the mode: free speech, or the voice command grammar.</summary>
    public RecognitionMode Mode { get; init; } = RecognitionMode.Dictation;

    /// <summary>
    /// Gets the names of the rooms the speaker may name in a command ("summarize marketing"). pocketsphinx puts them in the
    /// command grammar, so only these rooms can be recognized as a command's room; words its dictionary lacks are left out.
    /// </summary>
    public IReadOnlyList<string> RoomNames { get; init; } = [];

    /// <summary>
    /// Gets words and phrases likely to be said (names, jargon). Whisper servers get them as the prompt; pocketsphinx adds
    /// their words to a command's free-text slot.
    /// </summary>
    public IReadOnlyList<string> PhraseHints { get; init; } = [];

    /// <summary>Gets the spoken language as an ISO 639-1 code for engines that take one; null lets the engine decide.</summary>
    public string? Language { get; init; }
}

/// <summary>How a session recognizes speech.</summary>
public enum RecognitionMode
{
    /// <summary>Free speech, with the general language model.</summary>
    Dictation,

    /// <summary>Voice commands: each utterance is matched against the command grammar and, when it is one, comes with a <see cref="VoiceCommand"/>.</summary>
    Commands,
}
