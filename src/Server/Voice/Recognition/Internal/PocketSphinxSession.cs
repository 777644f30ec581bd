using System.Runtime.InteropServices;

namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// A live session on one rented decoder. Audio is conditioned, then fed 100 ms at a time. A pause of
/// <see cref="SpeechRecognitionOptions.EndOfSpeech"/> (by the conditioner's voice activity detector) ends the utterance and yields its
/// final segment when the words so far can end one; pocketsphinx's own detector ends any utterance after
/// <see cref="SpeechRecognitionOptions.LongestPause"/>. While in speech a partial comes every <see cref="SpeechRecognitionOptions.PartialInterval"/>.
/// Outside speech, silence past <see cref="AudioConditioningOptions.SkipSilenceAfter"/> is not fed at all.
/// </summary>
/// <remarks>
/// Word times come from pocketsphinx's frame count, which restarts (ps_start_stream) with every utterance; <c>epoch</c> is the
/// sample of the session's audio where the current count began. That keeps times right across skipped silence and across the
/// second pass of command mode, which feeds the utterance again.
/// </remarks>
internal sealed class PocketSphinxSession : IRecognitionSession
{
    private const int ChunkSamples = 1600;
    private const int LookbackSamples = 4800; // 300 ms fed before speech that ends a skip: pocketsphinx wants some lead-in
    private const int PrespeechSamples = 3200; // pocketsphinx's -vad_prespeech default, 20 frames
    private const int GrammarMarginSamples = 4800; // 300 ms of the audio around the words for the command passes: lead-in, and word ends the first pass cut short

    private readonly DecoderLease lease;
    private readonly PocketSphinxDecoder decoder;
    private readonly AudioConditioner conditioner;
    private readonly CommandGrammar? grammar;
    private readonly long partialInterval;
    private readonly long maxUtterance;
    private readonly long skipAfter;
    private readonly long endOfSpeech;
    private readonly Lock sync = new();
    private readonly short[] chunk = new short[ChunkSamples];
    private readonly short[] lookback = new short[LookbackSamples];
    private readonly List<short> utterance = [];
    private int lookbackCount;
    private long position;
    private long epoch;
    private long speechStart;
    private long sincePartial;
    private string lastPartial = string.Empty;
    private bool inSpeech;
    private bool skipping;
    private bool completed;
    private bool disposed;

    public PocketSphinxSession(DecoderLease lease, RecognitionOptions options, SpeechRecognitionOptions settings)
    {
        this.lease = lease;
        decoder = lease.Decoder;
        conditioner = new AudioConditioner(settings.Conditioning);
        grammar = options.Mode == RecognitionMode.Commands ? CommandGrammar.Create(options, decoder.Knows) : null;
        partialInterval = Samples(settings.PartialInterval);
        maxUtterance = Samples(settings.MaxUtterance);
        skipAfter = Samples(settings.Conditioning.SkipSilenceAfter);
        endOfSpeech = Samples(settings.EndOfSpeech);
        Restart(0);
    }

    /// <inheritdoc />
    public IReadOnlyList<TranscriptSegment> Accept(ReadOnlySpan<short> samples16kMono)
    {
        List<TranscriptSegment>? segments = null;
        lock (sync)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (completed)
            {
                throw new InvalidOperationException("The recognition session is complete: it takes no more audio.");
            }

            while (!samples16kMono.IsEmpty)
            {
                var n = Math.Min(ChunkSamples, samples16kMono.Length);
                Feed(samples16kMono[..n], ref segments);
                samples16kMono = samples16kMono[n..];
            }
        }

        return segments ?? (IReadOnlyList<TranscriptSegment>)[];
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TranscriptSegment>> CompleteAsync(CancellationToken cancellationToken = default)
    {
        List<TranscriptSegment>? segments = null;
        lock (sync)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!completed)
            {
                completed = true;
                if (!skipping)
                {
                    Finish(ref segments, restart: false);
                }
            }
        }

        return ValueTask.FromResult(segments ?? (IReadOnlyList<TranscriptSegment>)[]);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (sync)
        {
            if (!disposed)
            {
                disposed = true;
                lease.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private static long Samples(TimeSpan time) => (long)(time.TotalSeconds * 16000);

    private static TimeSpan Time(long samples) => TimeSpan.FromSeconds(samples / 16000.0);

    private void Feed(ReadOnlySpan<short> input, ref List<TranscriptSegment>? segments)
    {
        var audio = chunk.AsSpan(0, input.Length);
        conditioner.Process(input, audio);
        if (!inSpeech && conditioner.Activity.SilentSamples >= skipAfter)
        {
            Remember(audio);
            skipping = true;
            position += audio.Length;
            return;
        }

        if (skipping)
        {
            // Speech after skipped silence: what the decoder heard before it was silence, so it starts afresh here.
            skipping = false;
            decoder.EndUtterance();
            Restart(position - lookbackCount);
            Process(lookback.AsSpan(0, lookbackCount));
            lookbackCount = 0;
        }

        Process(audio);
        position += audio.Length;
        var speaking = decoder.InSpeech;
        if (speaking && !inSpeech)
        {
            speechStart = Math.Max(epoch, position - PrespeechSamples);
            sincePartial = 0;
        }

        var ended = (inSpeech && !speaking) || (speaking && Paused() >= endOfSpeech && UnfinishedUtterance.CanEnd(decoder.Hypothesis()));
        inSpeech = speaking;
        if (ended || position - epoch >= maxUtterance)
        {
            // Speech ended, or ran too long without a pause: the final pass.
            Finish(ref segments, restart: true);
            return;
        }

        if (speaking && (sincePartial += audio.Length) >= partialInterval)
        {
            sincePartial = 0;
            var text = decoder.Hypothesis();
            if (text.Length > 0 && text != lastPartial)
            {
                lastPartial = text;
                (segments ??= []).Add(new TranscriptSegment(text, Time(speechStart), Time(position), IsFinal: false));
            }
        }
    }

    // The silence since the last voiced audio: the detector counts it only once its hangover has passed.
    private long Paused() => conditioner.Activity.SilentSamples == 0 ? 0 : conditioner.Activity.SilentSamples + VoiceActivityDetector.HangoverSamples;

    private void Process(ReadOnlySpan<short> audio)
    {
        decoder.Process(audio);
        if (grammar is not null)
        {
            utterance.AddRange(audio);
        }
    }

    // The final segment of the open utterance, if it has words.
    private void Finish(ref List<TranscriptSegment>? segments, bool restart)
    {
        decoder.EndUtterance();
        var text = decoder.Hypothesis();
        var words = decoder.Words();
        if (text.Length > 0)
        {
            var start = words.Count > 0 ? epoch + (long)words[0].StartFrame * PocketSphinxDecoder.FrameSamples : speechStart;
            var end = words.Count > 0 ? epoch + (long)(words[^1].EndFrame + 1) * PocketSphinxDecoder.FrameSamples : position;
            var command = grammar is null ? null : RecognizeCommand(text, start, end);
            (segments ??= []).Add(new TranscriptSegment(command?.Heard ?? text, Time(start), Time(Math.Min(end, position)), IsFinal: true, Command: command));
        }

        if (restart)
        {
            Restart(position);
        }
    }

    // Second pass: the same audio through the command grammar, built around the words the language model heard. When those
    // words win over every command, a third pass forces one, which the language model must then back. The passes take the
    // words' audio with a margin, not the silence before and after them: the utterance holds all that came since the last
    // final (up to a second of it before speech), and a pass's time grows with its audio.
    private VoiceCommand? RecognizeCommand(string heard, long start, long end)
    {
        var from = (int)Math.Clamp(start - GrammarMarginSamples - epoch, 0, utterance.Count);
        var to = (int)Math.Clamp(end + GrammarMarginSamples - epoch, from, utterance.Count);
        var audio = CollectionsMarshal.AsSpan(utterance)[from..to];
        return Decode(grammar!.Jsgf([heard]), audio) is { Length: > 0 } recognized && grammar.Parse(recognized) is { } command ? command
            : Decode(grammar.Jsgf([heard], heardCompetes: false), audio) is { Length: > 0 } forced ? grammar.Parse(forced, heard)
            : null;
    }

    private string Decode(string jsgf, ReadOnlySpan<short> audio)
    {
        if (!decoder.TryUseGrammar(jsgf))
        {
            return string.Empty;
        }

        try
        {
            decoder.StartUtterance();
            decoder.Process(audio, wholeUtterance: true);
            decoder.EndUtterance();
            return decoder.Hypothesis();
        }
        finally
        {
            decoder.UseDictation();
        }
    }

    private void Restart(long at)
    {
        epoch = at;
        speechStart = at;
        inSpeech = false;
        lastPartial = string.Empty;
        utterance.Clear();
        decoder.StartStream();
        decoder.StartUtterance();
    }

    private void Remember(ReadOnlySpan<short> audio)
    {
        if (audio.Length >= LookbackSamples)
        {
            audio[^LookbackSamples..].CopyTo(lookback);
            lookbackCount = LookbackSamples;
            return;
        }

        var keep = Math.Min(lookbackCount, LookbackSamples - audio.Length);
        lookback.AsSpan(lookbackCount - keep, keep).CopyTo(lookback);
        audio.CopyTo(lookback.AsSpan(keep));
        lookbackCount = keep + audio.Length;
    }
}
