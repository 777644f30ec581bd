using System.Buffers.Binary;

namespace Atom.Server.Voice.Audio.Internal;

/// <summary>A RIFF/WAVE header read up to the start of its <c>data</c> chunk.</summary>
/// <param name="FormatTag">The codec: 1 integer PCM, 3 float, 0xFFFE extensible (resolved to its sub-format), others compressed.</param>
/// <param name="Layout">The sample layout.</param>
/// <param name="DataOffset">Where the samples start.</param>
/// <param name="DataLength">How many bytes of samples the header declares; null when a streaming writer left it open (0 or 0xFFFFFFFF).</param>
internal sealed record WavHeader(int FormatTag, PcmLayout Layout, int DataOffset, long? DataLength)
{
    /// <summary>The most header bytes read before the data chunk: a LIST chunk of metadata fits, a WAV that never gets to its data does not.</summary>
    public const int MaxHeaderBytes = 1024 * 1024;

    public enum Outcome
    {
        NeedMore,
        Read,
        Invalid,
    }

    /// <summary>Whether the managed decoder takes this WAV's samples; null when it does, else why not.</summary>
    public string? Unsupported() =>
        FormatTag is not (1 or 3) ? $"{CodecName(FormatTag)} samples" : PcmConverter.Unsupported(Layout);

    /// <summary>Reads the header from the first bytes of a WAV.</summary>
    /// <param name="head">The bytes so far, from the start.</param>
    /// <param name="header">The header, when <see cref="Outcome.Read"/>.</param>
    /// <param name="problem">What is wrong, when <see cref="Outcome.Invalid"/>.</param>
    public static Outcome TryRead(ReadOnlySpan<byte> head, out WavHeader? header, out string? problem)
    {
        header = null;
        problem = null;
        if (head.Length < 12)
        {
            return Outcome.NeedMore;
        }

        if (!head[..4].SequenceEqual("RIFF"u8) || !head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            problem = head[..4].SequenceEqual("RF64"u8) || head[..4].SequenceEqual("RIFX"u8)
                ? $"it is {System.Text.Encoding.ASCII.GetString(head[..4])}, not RIFF/WAVE"
                : "it has no RIFF/WAVE header";
            return Outcome.Invalid;
        }

        PcmLayout? layout = null;
        var formatTag = 0;
        var offset = 12;
        while (true)
        {
            if (offset > MaxHeaderBytes)
            {
                problem = $"no data chunk in its first {MaxHeaderBytes / 1024} KB";
                return Outcome.Invalid;
            }

            if (head.Length < offset + 8)
            {
                return Outcome.NeedMore;
            }

            var id = head.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(head[(offset + 4)..]);
            if (id.SequenceEqual("data"u8))
            {
                if (layout is null)
                {
                    problem = "its data chunk comes before a fmt chunk";
                    return Outcome.Invalid;
                }

                header = new WavHeader(formatTag, layout, offset + 8, size is 0 or uint.MaxValue ? null : size);
                return Outcome.Read;
            }

            if (size > MaxHeaderBytes)
            {
                problem = $"its '{System.Text.Encoding.ASCII.GetString(id)}' chunk before the data is {size} bytes long";
                return Outcome.Invalid;
            }

            if (id.SequenceEqual("fmt "u8))
            {
                if (head.Length < offset + 8 + size)
                {
                    return Outcome.NeedMore;
                }

                if (!TryReadFormat(head.Slice(offset + 8, (int)size), out formatTag, out layout, out problem))
                {
                    return Outcome.Invalid;
                }
            }

            offset += 8 + (int)size + (int)(size & 1);
        }
    }

    private static bool TryReadFormat(ReadOnlySpan<byte> fmt, out int formatTag, out PcmLayout? layout, out string? problem)
    {
        formatTag = 0;
        layout = null;
        problem = null;
        if (fmt.Length < 16)
        {
            problem = $"its fmt chunk is {fmt.Length} bytes, fewer than 16";
            return false;
        }

        formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (formatTag == 0xFFFE)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real codec is the first two bytes of the sub-format GUID.
            if (fmt.Length < 40)
            {
                problem = "its extensible fmt chunk is shorter than 40 bytes";
                return false;
            }

            formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        if (channels == 0 || sampleRate <= 0)
        {
            problem = $"its fmt chunk declares {channels} channels at {sampleRate} Hz";
            return false;
        }

        if (formatTag is 1 or 3 && (bits % 8 != 0 || bits == 0 || blockAlign != channels * bits / 8))
        {
            problem = $"its fmt chunk declares {bits}-bit samples in {channels} channels but {blockAlign}-byte frames";
            return false;
        }

        layout = new PcmLayout(sampleRate, channels, bits, formatTag == 3);
        return true;
    }

    private static string CodecName(int tag) => tag switch
    {
        2 => "MS ADPCM",
        6 => "A-law",
        7 => "mu-law",
        0x11 => "IMA ADPCM",
        0x55 => "MP3",
        _ => $"codec 0x{tag:X4}",
    };
}
