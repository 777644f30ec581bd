using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Atom.Benchmarks.VoiceBench;

/// <summary>
/// Speech to measure recognition on, and the measure: Debian's pocketsphinx-testdata recordings with their reference
/// transcripts, text spoken by flite (its slt voice makes usable fixtures; espeak's voices do not), and the word error rate.
/// The voice benchmark and the recognition tests (tests/Server.Tests, which link this file) use the same ones.
/// </summary>
public static class SpeechFixtures
{
    /// <summary>The recognizer's input rate.</summary>
    public const int SampleRate = 16000;

    /// <summary>Where pocketsphinx-testdata puts its recordings.</summary>
    public const string TestData = "/usr/share/pocketsphinx/test/data";

    /// <summary>
    /// The recordings of a pocketsphinx-testdata folder with a <c>transcription</c> file (<c>librivox</c>, <c>cards</c>), in
    /// the file's order: lines of <c>&lt;s&gt; words &lt;/s&gt; (name)</c>, each naming <c>name.wav</c> beside it.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="transcription">The transcription file's name in it.</param>
    public static IReadOnlyList<(string Name, short[] Samples, string Reference)> Transcribed(string directory, string transcription = "transcription") =>
    [
        .. File.ReadAllLines(Path.Combine(directory, transcription)).Where(l => l.Trim().Length > 0).Select(line =>
        {
            var open = line.LastIndexOf('(');
            var name = line[(open + 1)..line.LastIndexOf(')')];
            var reference = line[..open].Replace("<s>", string.Empty, StringComparison.Ordinal).Replace("</s>", string.Empty, StringComparison.Ordinal);
            return (name, ReadWav(Path.Combine(directory, name + ".wav")), string.Join(' ', Words(reference)));
        }),
    ];

    /// <summary>The samples of a 16 kHz mono 16-bit WAV file.</summary>
    /// <exception cref="InvalidDataException">It is not one.</exception>
    public static short[] ReadWav(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var id = Encoding.ASCII.GetString(bytes, at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (id == "fmt ")
            {
                var (channels, rate) = (BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 10)), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 12)));
                if (channels != 1 || rate != SampleRate)
                {
                    throw new InvalidDataException($"{path} is {rate} Hz with {channels} channels, not 16 kHz mono");
                }
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

    /// <summary><paramref name="text"/> spoken by flite (16 kHz voices: slt, awb, rms, kal16), cached as a WAV file in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">flite failed or is not installed.</exception>
    public static short[] Speak(string text, string voice, string directory)
    {
        var path = Path.Combine(directory, $"{voice}-{string.Join('-', Words(text))}.wav");
        if (!File.Exists(path))
        {
            // A name of its own: two tests may speak the same text at once, and each must move only what its flite wrote.
            var partial = $"{path}.{Guid.NewGuid():N}.part";
            using var flite = Process.Start(new ProcessStartInfo("flite", ["-voice", voice, "-t", text, "-o", partial]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("flite did not start (install flite)");
            var errors = flite.StandardError.ReadToEnd();
            flite.WaitForExit();
            if (flite.ExitCode != 0)
            {
                throw new InvalidOperationException($"flite failed: {errors} (install flite)");
            }

            File.Move(partial, path, overwrite: true);
        }

        return ReadWav(path);
    }

    /// <summary>
    /// Where the speech in <paramref name="samples"/> starts and ends, in samples: the first and last 10 ms block within 35 dB of the
    /// loudest one. flite's clips carry about 0.2 s of quiet at each end; the end is what the latency of a final counts from.
    /// </summary>
    public static (int Start, int End) SpeechBounds(ReadOnlySpan<short> samples)
    {
        const int Block = 160;
        var levels = new double[samples.Length / Block];
        for (var b = 0; b < levels.Length; b++)
        {
            double sum = 0;
            foreach (var s in samples.Slice(b * Block, Block))
            {
                sum += (double)s * s;
            }

            levels[b] = Math.Sqrt(sum / Block);
        }

        var floor = levels.DefaultIfEmpty(0).Max() * Math.Pow(10, -35 / 20.0);
        return (Math.Max(0, Array.FindIndex(levels, l => l >= floor)) * Block, (Array.FindLastIndex(levels, l => l >= floor) + 1) * Block);
    }

    /// <summary>The word-level edit distance between <paramref name="reference"/> and <paramref name="hypothesis"/>, and the reference's length.</summary>
    public static (int Errors, int Words) WordErrors(string reference, string hypothesis)
    {
        var r = Words(reference);
        var h = Words(hypothesis);
        var previous = new int[h.Length + 1];
        var current = new int[h.Length + 1];
        for (var j = 0; j <= h.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= h.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return (previous[h.Length], r.Length);
    }

    /// <summary>Word error rate: the edit distance between the word sequences over the reference's length (the hypothesis's length for an empty reference).</summary>
    public static double WordErrorRate(string reference, string hypothesis)
    {
        var (errors, words) = WordErrors(reference, hypothesis);
        return words == 0 ? errors : (double)errors / words;
    }

    /// <summary>The lower-case words of a text, split at white space.</summary>
    public static string[] Words(string text) => text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
