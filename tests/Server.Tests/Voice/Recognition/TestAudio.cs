using System.Diagnostics;
using Atom.Benchmarks.VoiceBench;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// Audio for the recognition tests: real read speech from Debian's pocketsphinx-testdata (LibriVox recordings with their
/// reference transcripts), command phrases spoken by flite's slt voice (16 kHz; flite voices make better STT fixtures than
/// espeak's), silence and clipped noise; and the word error rate. The recordings, flite and the word error rate are the voice
/// benchmark's (tests/Benchmarks/VoiceBench/SpeechFixtures.cs), so tests and figures measure alike.
/// </summary>
internal static class TestAudio
{
    public const int SampleRate = SpeechFixtures.SampleRate;
    public const string TestData = SpeechFixtures.TestData;

    private static readonly string FliteDir = Directory.CreateTempSubdirectory("atom-flite-").FullName;

    /// <summary>The LibriVox recordings with their reference transcripts.</summary>
    public static IReadOnlyList<(string Name, short[] Samples, string Reference)> Librivox() =>
        SpeechFixtures.Transcribed(Path.Combine(TestData, "librivox"));

    /// <summary>The samples of a 16 kHz mono 16-bit WAV file.</summary>
    public static short[] ReadWav(string path) => SpeechFixtures.ReadWav(path);

    /// <summary><paramref name="text"/> spoken by flite (16 kHz).</summary>
    public static short[] Speak(string text, string voice = "slt") => SpeechFixtures.Speak(text, voice, FliteDir);

    /// <summary><paramref name="samples"/> without the quiet before and after the speech (flite's clips have about 0.2 s at each end).</summary>
    public static short[] Trim(short[] samples)
    {
        var (start, end) = SpeechFixtures.SpeechBounds(samples);
        return samples[start..end];
    }

    /// <summary>A 16 kHz mono 16-bit WAV file of the samples.</summary>
    public static byte[] Wav(short[] samples) => AudioFixtures.Wav([.. samples.Select(s => s / 32768f)], SampleRate, 1);

    public static short[] Silence(double seconds) => new short[(int)(seconds * SampleRate)];

    /// <summary>Loud white noise, a third of it clipped at full scale: a broken or overdriven microphone.</summary>
    public static short[] ClippingNoise(double seconds, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * SampleRate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Clamp(random.NextDouble() * 98000 - 49000, short.MinValue, short.MaxValue);
        }

        return samples;
    }

    public static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];

    public static short[] Scale(short[] samples, double factor) =>
        [.. samples.Select(s => (short)Math.Clamp(Math.Round(s * factor), short.MinValue, short.MaxValue))];

    /// <summary>Word error rate: the edit distance between the word sequences over the reference's length.</summary>
    public static double WordErrorRate(string reference, string hypothesis) => SpeechFixtures.WordErrorRate(reference, hypothesis);

    public static string[] Words(string text) => SpeechFixtures.Words(text);

    /// <summary>Feeds <paramref name="samples"/> in chunks as a live client would, recording each segment with the audio position it came at.</summary>
    public static List<(TranscriptSegmentAt Segment, TimeSpan At)> Stream(Atom.Server.Voice.Recognition.IRecognitionSession session, short[] samples, int chunk = 1600)
    {
        var segments = new List<(TranscriptSegmentAt, TimeSpan)>();
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            var n = Math.Min(chunk, samples.Length - offset);
            var started = Stopwatch.GetTimestamp();
            var produced = session.Accept(samples.AsSpan(offset, n));
            var elapsed = Stopwatch.GetElapsedTime(started);
            var at = TimeSpan.FromSeconds((offset + n) / (double)SampleRate);
            segments.AddRange(produced.Select(s => (new TranscriptSegmentAt(s, elapsed), at)));
        }

        return segments;
    }
}

/// <summary>A segment and how long the <c>Accept</c> call that produced it took.</summary>
internal sealed record TranscriptSegmentAt(Atom.Server.Voice.Recognition.TranscriptSegment Value, TimeSpan CallTime);
