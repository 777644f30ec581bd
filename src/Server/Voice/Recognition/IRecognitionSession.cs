namespace Atom.Server.Voice.Recognition;

/// <summary>
/// One live stream of audio being recognized. Feed it with <see cref="Accept"/> as audio arrives; call <see cref="CompleteAsync"/>
/// when the stream ends (or stops sending: a session can finish at any moment); dispose it in every case, which frees its slot
/// even mid-utterance. Not thread-safe: one caller feeds it, although disposing from another thread is safe.
/// </summary>
public interface IRecognitionSession : IAsyncDisposable
{
    /// <summary>Feeds audio and returns the segments it produced: partials while someone speaks, a final one at each pause.</summary>
    /// <param name="samples16kMono">16 kHz mono 16-bit samples, any length.</param>
    /// <returns>The new segments, in order; empty most of the time.</returns>
    /// <exception cref="InvalidOperationException">The session was completed or disposed.</exception>
    IReadOnlyList<TranscriptSegment> Accept(ReadOnlySpan<short> samples16kMono);

    /// <summary>Ends the stream: the final segments of what is still pending (an utterance cut short included).</summary>
    /// <param name="cancellationToken">Cancels waiting for a remote engine.</param>
    /// <returns>The last final segments, in order.</returns>
    ValueTask<IReadOnlyList<TranscriptSegment>> CompleteAsync(CancellationToken cancellationToken = default);
}
