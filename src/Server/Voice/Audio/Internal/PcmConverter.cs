using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Atom.Server.Voice.Audio.Internal;

/// <summary>How uncompressed samples are laid out: interleaved little-endian frames.</summary>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="Channels">Samples per frame.</param>
/// <param name="BitsPerSample">8 (unsigned), 16, 24 or 32 (signed); 32 or 64 when <paramref name="IsFloat"/>.</param>
/// <param name="IsFloat">Whether samples are IEEE floats.</param>
internal sealed record PcmLayout(int SampleRate, int Channels, int BitsPerSample, bool IsFloat)
{
    public int FrameBytes => Channels * (BitsPerSample / 8);

    public bool IsMono16(int rate) => SampleRate == rate && Channels == 1 && BitsPerSample == 16 && !IsFloat;

    public string Describe() =>
        $"{SampleRate} Hz, {Channels} channel{(Channels == 1 ? string.Empty : "s")}, {BitsPerSample}-bit {(IsFloat ? "float" : "integer")}";
}

/// <summary>
/// Interleaved PCM of any supported layout to mono 16-bit at one rate (16 kHz for recognition; what a client asked for in
/// synthesis): channels averaged, then <see cref="SincResampler"/>, then rounded and clipped. Input may split a frame
/// anywhere; the rest is kept for the next call.
/// </summary>
internal sealed class PcmConverter
{
    private readonly PcmLayout layout;
    private readonly bool passThrough;
    private readonly int frameBytes;
    private readonly SincResampler? resampler;
    private readonly byte[] partial;
    private int partialCount;

    public PcmConverter(PcmLayout layout, int outputRate = AudioSourceFormat.TargetSampleRate)
    {
        this.layout = layout;
        passThrough = layout.IsMono16(outputRate);
        frameBytes = layout.FrameBytes;
        partial = new byte[frameBytes];
        resampler = layout.SampleRate == outputRate ? null : new SincResampler(layout.SampleRate, outputRate);
    }

    /// <summary>Gets the bytes of an incomplete frame held back so far.</summary>
    public int PendingBytes => partialCount;

    public short[] Convert(ReadOnlySpan<byte> data)
    {
        var mono = new float[(partialCount + data.Length) / frameBytes];
        var frames = 0;
        if (partialCount > 0)
        {
            var take = Math.Min(frameBytes - partialCount, data.Length);
            data[..take].CopyTo(partial.AsSpan(partialCount));
            partialCount += take;
            data = data[take..];
            if (partialCount < frameBytes)
            {
                return [];
            }

            if (passThrough)
            {
                // A 16-bit sample split across two writes: the fast path below needs whole samples.
                var joined = BinaryPrimitives.ReadInt16LittleEndian(partial);
                partialCount = 0;
                return [joined, .. Convert(data)];
            }

            mono[frames++] = MixFrame(partial);
            partialCount = 0;
        }

        var whole = data.Length / frameBytes * frameBytes;
        data[whole..].CopyTo(partial);
        partialCount = data.Length - whole;
        if (passThrough)
        {
            // The common case for live audio: mono 16-bit at the output rate passes through as it is.
            return MemoryMarshal.Cast<byte, short>(data[..whole]).ToArray();
        }

        for (var offset = 0; offset < whole; offset += frameBytes)
        {
            mono[frames++] = MixFrame(data.Slice(offset, frameBytes));
        }

        return ToShorts(resampler is null ? mono.AsSpan(0, frames) : resampler.Process(mono.AsSpan(0, frames)));
    }

    /// <summary>Ends the input: the resampler's last samples. An incomplete trailing frame is dropped.</summary>
    public short[] Flush() => resampler is null ? [] : ToShorts(resampler.Flush());

    private float MixFrame(ReadOnlySpan<byte> frame)
    {
        var bytes = layout.BitsPerSample / 8;
        var sum = 0f;
        for (var c = 0; c < layout.Channels; c++)
        {
            sum += Sample(frame.Slice(c * bytes, bytes));
        }

        return sum / layout.Channels;
    }

    private float Sample(ReadOnlySpan<byte> s) => (layout.BitsPerSample, layout.IsFloat) switch
    {
        (8, false) => (s[0] - 128) / 128f,
        (16, false) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
        (24, false) => (((s[2] << 24) | (s[1] << 16) | (s[0] << 8)) >> 8) / 8388608f,
        (32, false) => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
        (32, true) => BinaryPrimitives.ReadSingleLittleEndian(s),
        (64, true) => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
        _ => throw new InvalidOperationException($"Unsupported layout {layout.Describe()}."),
    };

    private static short[] ToShorts(ReadOnlySpan<float> samples)
    {
        var result = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            // Clipped input overshoots after band-limiting (Gibbs ringing): saturate rather than wrap around.
            var value = MathF.Round(samples[i] * 32767f);
            result[i] = (short)Math.Clamp(value, short.MinValue, short.MaxValue);
        }

        return result;
    }

    /// <summary>Whether a layout is one this converter takes; null when it is, else why not.</summary>
    public static string? Unsupported(PcmLayout layout) =>
        layout.Channels is < 1 or > 32 ? $"{layout.Channels} channels"
        : layout.SampleRate is < 1000 or > 768_000 ? $"a sample rate of {layout.SampleRate} Hz"
        : (layout.BitsPerSample, layout.IsFloat) is (8 or 16 or 24 or 32, false) or (32 or 64, true) ? null
        : $"{layout.BitsPerSample}-bit {(layout.IsFloat ? "float" : "integer")} samples";
}
