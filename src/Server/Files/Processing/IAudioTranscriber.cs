namespace Atom.Server.Files.Processing;

/// <summary>
/// Turns the speech of a stored recording into text, so that audio uploads become searchable. Files does not know how:
/// the composition root supplies one backed by the speech recognizer. Without one, audio files keep no text.
/// </summary>
public interface IAudioTranscriber
{
    /// <summary>Gets whether transcription can run on this server; when it cannot, audio files are not queued for it.</summary>
    bool IsAvailable { get; }

    /// <summary>Transcribes a recording.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the transcription.</param>
    /// <returns>What was said.</returns>
    /// <exception cref="CorruptContentException">The file is not audio that can be decoded.</exception>
    /// <exception cref="TranscriptionUnavailableException">The engine cannot run here.</exception>
    /// <exception cref="Atom.Server.Jobs.JobRetryLaterException">The engine is busy (live speech comes first): try later.</exception>
    Task<AudioTranscript> TranscribeAsync(string path, CancellationToken cancellationToken);
}

/// <summary>What a recording says.</summary>
/// <param name="Text">The words, empty when nothing was heard.</param>
/// <param name="Duration">How long the recording is.</param>
/// <param name="Truncated">Whether it is longer than the transcriber takes, so only its start was transcribed.</param>
public sealed record AudioTranscript(string Text, TimeSpan Duration, bool Truncated);

/// <summary>The transcriber cannot run on this server (no engine, no decoder for the format); retrying will not help.</summary>
public sealed class TranscriptionUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TranscriptionUnavailableException"/> class.</summary>
    public TranscriptionUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TranscriptionUnavailableException"/> class.</summary>
    /// <param name="message">What is missing.</param>
    public TranscriptionUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TranscriptionUnavailableException"/> class.</summary>
    /// <param name="message">What is missing.</param>
    /// <param name="innerException">The engine's failure.</param>
    public TranscriptionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
