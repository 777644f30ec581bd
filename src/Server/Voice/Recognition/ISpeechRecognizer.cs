namespace Atom.Server.Voice.Recognition;

/// <summary>
/// Speech-to-text: live sessions that turn a stream of 16 kHz mono samples into partial and final transcript segments, and
/// whole recordings at once. The embedded default is <see cref="PocketSphinxRecognizer"/>; <see cref="OpenAiSpeechRecognizer"/>
/// sends audio to any OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint. Thread-safe; each session is used by one caller.
/// </summary>
public interface ISpeechRecognizer
{
    /// <summary>Gets the engine's name, as the component catalog reports it.</summary>
    string Provider { get; }

    /// <summary>Gets how many live sessions can run at once; one more is refused with <see cref="RecognizerBusyException"/>.</summary>
    int MaxStreams { get; }

    /// <summary>Starts a live session. It never waits for a free slot: a stream beyond capacity is refused at once.</summary>
    /// <param name="options">What to listen for.</param>
    /// <param name="cancellationToken">Cancels the start (creating a decoder takes about half a second).</param>
    /// <returns>The session; dispose it to give its capacity back.</returns>
    /// <exception cref="RecognizerBusyException">All <see cref="MaxStreams"/> sessions are in use.</exception>
    /// <exception cref="RecognitionUnavailableException">The engine cannot run (not installed, model missing).</exception>
    ValueTask<IRecognitionSession> StartAsync(RecognitionOptions options, CancellationToken cancellationToken = default);

    /// <summary>Transcribes a whole recording. Unlike <see cref="StartAsync"/> it waits for capacity, as a batch job can.</summary>
    /// <param name="samples">16 kHz mono 16-bit samples.</param>
    /// <param name="options">What to listen for.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    /// <returns>The final segments.</returns>
    /// <exception cref="RecognitionUnavailableException">The engine cannot run, or the endpoint failed after retries.</exception>
    Task<Transcript> TranscribeAsync(ReadOnlyMemory<short> samples, RecognitionOptions options, CancellationToken cancellationToken = default);
}
