namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// A live session on a transcription endpoint, which only takes whole recordings: the audio is cut into utterances by voice
/// activity, each is sent as it ends (in the background, so <see cref="Accept"/> never waits on the network), and its final
/// segments come out of a later <see cref="Accept"/> or <see cref="CompleteAsync"/>, in order. There are no partials.
/// </summary>
internal sealed class OpenAiSession : IRecognitionSession
{
    private readonly Func<short[], long, CancellationToken, Task<IReadOnlyList<TranscriptSegment>>> transcribe;
    private readonly Action? release;
    private readonly UtteranceSegmenter segmenter;
    private readonly Queue<Task<IReadOnlyList<TranscriptSegment>>> pending = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Action<short[], long> send;
    private bool completed;
    private int disposed;

    /// <param name="transcribe">Sends one utterance (its samples and start sample) and answers its final segments.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="release">Gives the session's stream slot back; null when it holds none.</param>
    public OpenAiSession(Func<short[], long, CancellationToken, Task<IReadOnlyList<TranscriptSegment>>> transcribe, SpeechRecognitionOptions settings, Action? release)
    {
        this.transcribe = transcribe;
        this.release = release;
        segmenter = new UtteranceSegmenter(settings);
        send = (samples, start) => pending.Enqueue(this.transcribe(samples, start, stop.Token));
    }

    /// <inheritdoc />
    public IReadOnlyList<TranscriptSegment> Accept(ReadOnlySpan<short> samples16kMono)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        if (completed)
        {
            throw new InvalidOperationException("The recognition session is complete: it takes no more audio.");
        }

        segmenter.Accept(samples16kMono, send);
        List<TranscriptSegment>? segments = null;
        while (pending.TryPeek(out var next) && next.IsCompleted)
        {
            // A failed utterance surfaces here (RecognitionUnavailableException), as it would from the endpoint.
            (segments ??= []).AddRange(pending.Dequeue().GetAwaiter().GetResult());
        }

        return segments ?? (IReadOnlyList<TranscriptSegment>)[];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TranscriptSegment>> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        if (!completed)
        {
            completed = true;
            segmenter.Flush(send);
        }

        var segments = new List<TranscriptSegment>();
        while (pending.TryDequeue(out var next))
        {
            segments.AddRange(await next.WaitAsync(cancellationToken).ConfigureAwait(false));
        }

        return segments;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        stop.Dispose();
        release?.Invoke();
    }
}
