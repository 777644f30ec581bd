namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>The recognizer when the configured one cannot run (pocketsphinx or its model missing): every call fails the same clear way.</summary>
internal sealed class UnavailableSpeechRecognizer(string provider, string reason) : ISpeechRecognizer
{
    /// <summary>Gets why there is no speech recognition, and how to get it.</summary>
    public string Reason => reason;

    public string Provider => provider;

    public int MaxStreams => 0;

    public ValueTask<IRecognitionSession> StartAsync(RecognitionOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<IRecognitionSession>(new RecognitionUnavailableException(reason));

    public Task<Transcript> TranscribeAsync(ReadOnlyMemory<short> samples, RecognitionOptions options, CancellationToken cancellationToken = default) =>
        Task.FromException<Transcript>(new RecognitionUnavailableException(reason));
}
