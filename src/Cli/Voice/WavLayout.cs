using System.Buffers.Binary;

namespace Atom.Cli.Voice;

/// <summary>
/// What <c>atom listen</c> needs of a WAV to send it at the pace it would be recorded: how many bytes a second of it
/// takes, how its samples are framed, and where they start. The server reads the header itself; this is for pacing only.
/// </summary>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">Channels.</param>
/// <param name="BytesPerSecond">Bytes a second of audio takes (the header's average rate, right for compressed codecs too).</param>
/// <param name="BlockAlign">Bytes per sample frame: a chunk never splits one.</param>
/// <param name="DataOffset">Where the samples start.</param>
internal sealed record WavLayout(int SampleRate, int Channels, int BytesPerSecond, int BlockAlign, int DataOffset)
{
    /// <summary>How much of a file is read to find the data chunk: a long LIST chunk of metadata fits.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Reads a WAV's header.</summary>
    /// <param name="head">The file's first bytes, up to <see cref="MaxHeaderBytes"/>.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="FormatException">It is not a WAV whose data chunk starts within the bytes given.</exception>
    public static WavLayout Read(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head[..4].SequenceEqual("RIFF"u8) || !head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new FormatException("it has no RIFF/WAVE header");
        }

        (int Rate, int Channels, int BytesPerSecond, int BlockAlign)? format = null;
        for (var offset = 12; offset + 8 <= head.Length;)
        {
            var id = head.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(head[(offset + 4)..]);
            if (id.SequenceEqual("data"u8))
            {
                return format is var (rate, channels, bytesPerSecond, blockAlign)
                    ? new WavLayout(rate, channels, bytesPerSecond, blockAlign, offset + 8)
                    : throw new FormatException("its data chunk comes before its fmt chunk");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || offset + 8 + 16 > head.Length)
                {
                    throw new FormatException("its fmt chunk is cut short");
                }

                var fmt = head.Slice(offset + 8, 16);
                format = (BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]), BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]),
                    BinaryPrimitives.ReadInt32LittleEndian(fmt[8..]), Math.Max(1, (int)BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..])));
                if (format.Value.Rate <= 0 || format.Value.Channels == 0 || format.Value.BytesPerSecond <= 0)
                {
                    throw new FormatException($"its fmt chunk declares {format.Value.Channels} channels at {format.Value.Rate} Hz, {format.Value.BytesPerSecond} bytes a second");
                }
            }

            offset += 8 + (int)Math.Min(size, int.MaxValue - 16) + (int)(size & 1);
        }

        throw new FormatException($"no data chunk in its first {head.Length / 1024} KB");
    }

    /// <summary>Reads the header of a WAV file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="FormatException">It is not a WAV.</exception>
    public static WavLayout Of(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[MaxHeaderBytes];
        return Read(head.AsSpan(0, file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)));
    }

    /// <summary>Gets how many bytes of samples a stretch of audio takes, in whole sample frames (at least one).</summary>
    /// <param name="duration">The stretch, e.g. 100 ms.</param>
    /// <returns>The bytes.</returns>
    public int Bytes(TimeSpan duration)
    {
        var bytes = (long)(BytesPerSecond * duration.TotalSeconds);
        return (int)Math.Max(BlockAlign, bytes - (bytes % BlockAlign));
    }
}
