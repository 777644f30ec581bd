using System.Buffers.Binary;
using System.Diagnostics;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// Audio for the recognition tests: real read speech from Debian's pocketsphinx-testdata (LibriVox recordings with their
/// reference transcripts), command phrases spoken by flite's slt voice (16 kHz; flite voices make better STT fixtures than
/// espeak's), silence and clipped noise; and the word error rate.
/// </summary>
internal static class TestAudio
{
    public const int SampleRate = 16000;
    public const string TestData = "/usr/share/pocketsphinx/test/data";

    private static readonly string FliteDir = Directory.CreateTempSubdirectory("atom-flite-").FullName;

    /// <summary>The LibriVox recordings with their reference transcripts.</summary>
    public static IReadOnlyList<(string Name, short[] Samples, string Reference)> Librivox()
    {
        var dir = Path.Combine(TestData, "librivox");
        return
        [
            .. File.ReadAllLines(Path.Combine(dir, "transcription")).Where(l => l.Length > 0).Select(line =>
            {
                var open = line.LastIndexOf('(');
                var name = line[(open + 1)..line.LastIndexOf(')')];
                var reference = line[..open].Replace("<s>", string.Empty, StringComparison.Ordinal).Replace("</s>", string.Empty, StringComparison.Ordinal).Trim();
                return (name, ReadWav(Path.Combine(dir, name + ".wav")), reference);
            }),
        ];
    }

    /// <summary>The samples of a 16 kHz mono 16-bit WAV file.</summary>
    public static short[] ReadWav(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (id == "fmt ")
            {
                Assert.Equal(SampleRate, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 12)));
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 10)));
            }
            else if (id == "data")
            {
                size = Math.Min(size, bytes.Length - at - 8);
                var samples = new short[size / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 8 + 2 * i));
                }

                return samples;
            }

            at += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk");
    }

    /// <summary><paramref name="text"/> spoken by flite (16 kHz).</summary>
    public static short[] Speak(string text, string voice = "slt")
    {
        var path = Path.Combine(FliteDir, $"{voice}-{string.Join('-', text.Split(' '))}.wav");
        if (!File.Exists(path))
        {
            using var flite = Process.Start(new ProcessStartInfo("flite", ["-voice", voice, "-t", text, "-o", path]) { RedirectStandardError = true })!;
            flite.WaitForExit();
            Assert.True(flite.ExitCode == 0, $"flite failed: {flite.StandardError.ReadToEnd()} (install flite; ./build.sh test does)");
        }

        return ReadWav(path);
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
    public static double WordErrorRate(string reference, string hypothesis)
    {
        var r = Words(reference);
        var h = Words(hypothesis);
        var d = new int[r.Length + 1, h.Length + 1];
        for (var i = 0; i <= r.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= h.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            for (var j = 1; j <= h.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1));
            }
        }

        return r.Length == 0 ? h.Length : (double)d[r.Length, h.Length] / r.Length;
    }

    public static string[] Words(string text) => text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);

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
