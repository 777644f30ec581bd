namespace Atom.Server.Voice.Recognition;

/// <summary>A piece of recognized speech.</summary>
/// <param name="Text">The words, lower case for pocketsphinx; empty never (segments without words are not produced).</param>
/// <param name="Start">Where the speech starts, counted from the start of the session's audio.</param>
/// <param name="End">Where it ends.</param>
/// <param name="IsFinal">Whether this is the utterance's final text; a partial is replaced by later partials and by the final one.</param>
/// <param name="Confidence">How sure the engine is, 0 to 1, where it says (Whisper's average log probability); null otherwise.</param>
/// <param name="Command">The command recognized, for a final segment in <see cref="RecognitionMode.Commands"/>; null otherwise.</param>
public sealed record TranscriptSegment(string Text, TimeSpan Start, TimeSpan End, bool IsFinal, float? Confidence = null, VoiceCommand? Command = null);

/// <summary>The transcript of a whole recording.</summary>
/// <param name="Segments">The final segments, in order.</param>
/// <param name="Duration">The recording's length.</param>
public sealed record Transcript(IReadOnlyList<TranscriptSegment> Segments, TimeSpan Duration)
{
    /// <summary>Gets the segments' text joined by spaces.</summary>
    public string Text => string.Join(' ', Segments.Select(s => s.Text));
}
