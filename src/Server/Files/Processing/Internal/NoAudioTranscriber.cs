namespace Atom.Server.Files.Processing.Internal;

/// <summary>Stands in when the composition root supplies no transcriber: audio files keep no text.</summary>
internal sealed class NoAudioTranscriber : IAudioTranscriber
{
    public bool IsAvailable => false;

    public Task<AudioTranscript> TranscribeAsync(string path, CancellationToken cancellationToken) =>
        throw new TranscriptionUnavailableException("This server has no speech recognizer.");
}
