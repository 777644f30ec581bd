using System.Buffers.Binary;
using System.Diagnostics;
using Atom.Server.Voice.Audio;

namespace Atom.Server.Tests.Voice;

/// <summary>Test audio made on the spot: tones written as WAV in code, compressed formats made from them by ffmpeg.</summary>
public static class AudioFixtures
{
    /// <summary>A sine tone as interleaved float samples (the same in every channel).</summary>
    public static float[] Sine(double frequency, double seconds, int rate, int channels = 1, double amplitude = 0.5)
    {
        var frames = (int)(seconds * rate);
        var samples = new float[frames * channels];
        for (var i = 0; i < frames; i++)
        {
            var value = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate));
            for (var c = 0; c < channels; c++)
            {
                samples[(i * channels) + c] = value;
            }
        }

        return samples;
    }

    /// <summary>A WAV of the samples: integer PCM of 8, 16, 24 or 32 bits, or float of 32 (<paramref name="isFloat"/>).</summary>
    public static byte[] Wav(float[] samples, int rate, int channels, int bits = 16, bool isFloat = false)
    {
        var bytesPerSample = bits / 8;
        var data = new byte[samples.Length * bytesPerSample];
        for (var i = 0; i < samples.Length; i++)
        {
            var s = Math.Clamp(samples[i], -1f, 1f);
            var span = data.AsSpan(i * bytesPerSample);
            switch (bits, isFloat)
            {
                case (8, false): span[0] = (byte)Math.Clamp(Math.Round((s * 127) + 128), 0, 255); break;
                case (16, false): BinaryPrimitives.WriteInt16LittleEndian(span, (short)Math.Round(s * 32767)); break;
                case (24, false):
                    var v = (int)Math.Round(s * 8388607);
                    span[0] = (byte)v; span[1] = (byte)(v >> 8); span[2] = (byte)(v >> 16);
                    break;
                case (32, false): BinaryPrimitives.WriteInt32LittleEndian(span, (int)Math.Round(s * 2147483647.0)); break;
                case (32, true): BinaryPrimitives.WriteSingleLittleEndian(span, s); break;
                default: throw new ArgumentException("unsupported");
            }
        }

        var header = new byte[44];
        var h = header.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], 36 + data.Length);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], (short)(isFloat ? 3 : 1));
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], rate * channels * bytesPerSample);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], (short)(channels * bytesPerSample));
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], (short)bits);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], data.Length);
        return [.. header, .. data];
    }

    /// <summary>16-bit little-endian mono PCM of the samples.</summary>
    public static byte[] Pcm16(float[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)Math.Round(Math.Clamp(samples[i], -1f, 1f) * 32767));
        }

        return bytes;
    }

    /// <summary>Runs ffmpeg to make a fixture file; the arguments after <c>-y</c>.</summary>
    public static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(' ', arguments)}: {error}");
    }

    /// <summary>A tone of <paramref name="seconds"/> at 44.1 kHz stereo encoded by ffmpeg into <paramref name="path"/> (its extension picks the format).</summary>
    public static string Tone(string path, double seconds = 3, double frequency = 440, params string[] codec)
    {
        Ffmpeg(["-f", "lavfi", "-i", $"sine=frequency={frequency}:duration={seconds}:sample_rate=44100", "-ac", "2", .. codec, path]);
        return path;
    }

    /// <summary>The amplitude of <paramref name="frequency"/> in 16 kHz samples (Goertzel), 1.0 for a full-scale sine.</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency, int rate = AudioSourceFormat.TargetSampleRate)
    {
        var w = 2 * Math.PI * frequency / rate;
        var coefficient = 2 * Math.Cos(w);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = (x / 32768.0) + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return 2 * Math.Sqrt(Math.Max(0, power)) / samples.Length;
    }

    /// <summary>Reads every block a decoder gives, as one array.</summary>
    public static async Task<short[]> ReadAllAsync(IAudioDecoder decoder)
    {
        var all = new List<short>();
        await foreach (var block in decoder.ReadAllAsync())
        {
            all.AddRange(block.ToArray());
        }

        return [.. all];
    }

    /// <summary>Writes <paramref name="bytes"/> in pieces of <paramref name="piece"/> bytes, completes, and reads everything.</summary>
    public static async Task<short[]> DecodeAsync(IAudioDecoder decoder, byte[] bytes, int piece = 4096)
    {
        var reading = ReadAllAsync(decoder);
        for (var at = 0; at < bytes.Length; at += piece)
        {
            await decoder.WriteAsync(bytes.AsMemory(at, Math.Min(piece, bytes.Length - at)));
        }

        await decoder.CompleteAsync();
        return await reading;
    }

    /// <summary>The ffmpeg processes this test process started that still exist (running or zombie).</summary>
    public static IReadOnlyList<string> ChildFfmpegs()
    {
        var me = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...
                var close = stat.LastIndexOf(')');
                var comm = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                if (comm == "ffmpeg" && fields[1] == me)
                {
                    found.Add($"{Path.GetFileName(dir)} state {fields[0]}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
