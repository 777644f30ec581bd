using System.Diagnostics;
using Atom.Server.Voice.Recognition;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// The embedded recognizer on Debian's real pocketsphinx and real recordings (pocketsphinx-testdata): accuracy within a loose
/// bound (printed), partials while speaking, finals at pauses, bad input (silence, clipping noise, a stream cut short) and the
/// decoder pool's limits.
/// </summary>
public sealed class PocketSphinxRecognizerTests(ITestOutputHelper output) : IDisposable
{
    private readonly PocketSphinxRecognizer recognizer = new(new SpeechRecognitionOptions { MaxStreams = 2 });

    public void Dispose() => recognizer.Dispose();

    [Fact]
    public async Task Read_speech_is_transcribed_within_a_loose_word_error_rate()
    {
        int errors = 0, words = 0;
        foreach (var (name, samples, reference) in TestAudio.Librivox())
        {
            var transcript = await recognizer.TranscribeAsync(samples, RecognitionOptions.Dictation);
            var wer = TestAudio.WordErrorRate(reference, transcript.Text);
            output.WriteLine($"{name}: WER {wer:P0}\n  ref: {reference}\n  hyp: {transcript.Text}");
            errors += (int)Math.Round(wer * TestAudio.Words(reference).Length);
            words += TestAudio.Words(reference).Length;
            Assert.All(transcript.Segments, s => Assert.True(s.IsFinal && s.Start < s.End && s.End <= transcript.Duration, $"{s}"));
        }

        var total = (double)errors / words;
        output.WriteLine($"total WER {total:P1} over {words} words");
        // ENVIRONMENT.md measured 25-30% on read speech with the general language model.
        Assert.InRange(total, 0, 0.45);
    }

    [Fact]
    public async Task Partials_come_while_speaking_and_a_final_at_each_pause()
    {
        var librivox = TestAudio.Librivox();
        var (first, second) = (librivox[1].Samples, librivox[4].Samples);
        var audio = TestAudio.Concat(TestAudio.Silence(0.5), first, TestAudio.Silence(1.5), second, TestAudio.Silence(1.5));
        var firstEnd = TimeSpan.FromSeconds((8000 + first.Length) / 16000.0);
        var secondStart = firstEnd + TimeSpan.FromSeconds(1.5);
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);

        var segments = TestAudio.Stream(session, audio);

        foreach (var (segment, at) in segments)
        {
            output.WriteLine($"{at.TotalSeconds,5:F1}s {(segment.Value.IsFinal ? "final  " : "partial")} [{segment.Value.Start.TotalSeconds:F2}-{segment.Value.End.TotalSeconds:F2}] ({segment.CallTime.TotalMilliseconds:F0} ms) {segment.Value.Text}");
        }

        var finals = segments.Where(s => s.Segment.Value.IsFinal).ToList();
        Assert.Equal(2, finals.Count);
        Assert.Contains(segments, s => !s.Segment.Value.IsFinal && s.At < firstEnd - TimeSpan.FromSeconds(1));
        Assert.InRange(finals[0].At, firstEnd, secondStart);
        Assert.Contains("young man", finals[0].Segment.Value.Text, StringComparison.Ordinal);
        Assert.Contains("amiable himself", finals[1].Segment.Value.Text, StringComparison.Ordinal);
        // Word times point into the audio: the first utterance within its recording, the second after the pause.
        Assert.InRange(finals[0].Segment.Value.Start.TotalSeconds, 0.5, 1.5);
        Assert.InRange(finals[0].Segment.Value.End, firstEnd - TimeSpan.FromSeconds(1), firstEnd + TimeSpan.FromSeconds(0.3));
        Assert.InRange(finals[1].Segment.Value.Start, secondStart, secondStart + TimeSpan.FromSeconds(1));
        Assert.Empty(await session.CompleteAsync());
        foreach (var (segment, at) in finals)
        {
            output.WriteLine($"last word to final: {(at - segment.Value.End).TotalMilliseconds:F0} ms of audio (the pause that ends it, 100 ms chunks) + {segment.CallTime.TotalMilliseconds:F0} ms in the Accept call");
        }
    }

    [Fact]
    public async Task Long_silence_is_skipped_and_times_stay_right_after_it()
    {
        var speech = TestAudio.Librivox()[4].Samples;
        var audio = TestAudio.Concat(TestAudio.Silence(6), speech, TestAudio.Silence(1));
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);

        var final = Assert.Single(TestAudio.Stream(session, audio), s => s.Segment.Value.IsFinal).Segment.Value;

        Assert.Contains("amiable himself", final.Text, StringComparison.Ordinal);
        Assert.InRange(final.Start.TotalSeconds, 5.8, 6.8);
        Assert.InRange(final.End.TotalSeconds, 6 + speech.Length / 16000.0 - 0.6, 6 + speech.Length / 16000.0 + 0.3);
    }

    [Fact]
    public async Task Silence_only_gives_no_text()
    {
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);
        var quiet = new short[16000 * 5];
        new Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(quiet.AsSpan()));
        for (var i = 0; i < quiet.Length; i++)
        {
            quiet[i] = (short)(quiet[i] / 2000); // about -60 dBFS of hiss
        }

        Assert.Empty(TestAudio.Stream(session, TestAudio.Concat(TestAudio.Silence(10), quiet)));
        Assert.Empty(await session.CompleteAsync());
    }

    [Fact]
    public async Task Clipping_noise_gives_little_or_nothing()
    {
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);

        var segments = TestAudio.Stream(session, TestAudio.Concat(TestAudio.ClippingNoise(5), TestAudio.Silence(1))).Select(s => s.Segment.Value).ToList();
        segments.AddRange(await session.CompleteAsync());

        var words = segments.Where(s => s.IsFinal).Sum(s => TestAudio.Words(s.Text).Length);
        output.WriteLine($"{words} words from 5 s of clipping noise: {string.Join(" | ", segments.Where(s => s.IsFinal).Select(s => s.Text))}");
        Assert.InRange(words, 0, 3);
    }

    [Fact]
    public async Task A_stream_cut_short_still_completes_with_a_final_segment()
    {
        var speech = TestAudio.Librivox()[0].Samples;
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);

        TestAudio.Stream(session, speech[..(speech.Length / 2)]);
        var final = Assert.Single(await session.CompleteAsync());

        Assert.True(final.IsFinal);
        Assert.Contains("john", final.Text, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.Accept(new short[160]));
        Assert.Empty(await session.CompleteAsync());
    }

    [Fact]
    public async Task A_stream_beyond_capacity_is_refused_at_once_and_a_disposed_session_gives_its_decoder_back()
    {
        var speech = TestAudio.Librivox()[1].Samples;
        var first = await recognizer.StartAsync(RecognitionOptions.Dictation);
        var second = await recognizer.StartAsync(RecognitionOptions.Dictation);
        first.Accept(speech.AsSpan(0, speech.Length / 2)); // mid-utterance

        var started = Stopwatch.GetTimestamp();
        var busy = await Assert.ThrowsAsync<RecognizerBusyException>(async () => await recognizer.StartAsync(RecognitionOptions.Dictation));
        output.WriteLine($"refused in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F2} ms: {busy.Message}");
        Assert.Equal(2, busy.MaxStreams);
        Assert.Equal(2, recognizer.ActiveStreams);

        // Abandoned mid-utterance: disposing alone gives the decoder back, reset for the next session.
        await first.DisposeAsync();
        await first.DisposeAsync();
        Assert.Equal((1, 1), (recognizer.ActiveStreams, recognizer.IdleDecoders));
        await using var third = await recognizer.StartAsync(RecognitionOptions.Dictation);
        Assert.Equal((2, 0), (recognizer.ActiveStreams, recognizer.IdleDecoders));
        var finals = TestAudio.Stream(third, TestAudio.Concat(speech, TestAudio.Silence(1))).Select(s => s.Segment.Value).Where(s => s.IsFinal).ToList();
        finals.AddRange(await third.CompleteAsync());
        Assert.Contains("young man", Assert.Single(finals).Text, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => first.Accept(new short[160]));
        await second.DisposeAsync();
    }
}
