namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>A whole recording through a live session: what both engines' <see cref="ISpeechRecognizer.TranscribeAsync"/> do.</summary>
internal static class SessionTranscription
{
    // A second at a time: often enough to notice cancellation, rarely enough to cost nothing.
    private const int ChunkSamples = 16000;

    public static async Task<Transcript> RunAsync(IRecognitionSession session, ReadOnlyMemory<short> samples, CancellationToken cancellationToken)
    {
        var segments = new List<TranscriptSegment>();
        for (var offset = 0; offset < samples.Length; offset += ChunkSamples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = samples.Slice(offset, Math.Min(ChunkSamples, samples.Length - offset));
            segments.AddRange(session.Accept(chunk.Span).Where(s => s.IsFinal));
        }

        segments.AddRange(await session.CompleteAsync(cancellationToken).ConfigureAwait(false));
        return new Transcript(segments, TimeSpan.FromSeconds(samples.Length / 16000.0));
    }
}
