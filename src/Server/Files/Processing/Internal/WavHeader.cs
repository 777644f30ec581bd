using System.Buffers.Binary;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>RIFF/WAVE: the <c>fmt </c> chunk gives the format, the <c>data</c> chunk's size the length.</summary>
internal static class WavHeader
{
    public static bool IsWave(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8);

    public static AudioInfo? Read(Stream stream)
    {
        if (!IsWave(StreamReads.ReadAt(stream, 0, 12)))
        {
            return null;
        }

        int formatTag = 0, channels = 0, sampleRate = 0, byteRate = 0;
        long? dataBytes = null;
        long offset = 12;
        // Chunks are walked by seeking, so a large data chunk before a trailing one costs nothing.
        for (var chunks = 0; chunks < 64 && offset + 8 <= stream.Length; chunks++)
        {
            var header = StreamReads.ReadAt(stream, offset, 8);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            var id = header.AsSpan(0, 4);
            if (id.SequenceEqual("fmt "u8))
            {
                var format = StreamReads.ReadAt(stream, offset + 8, 16);
                if (format.Length < 16)
                {
                    return null;
                }

                formatTag = BinaryPrimitives.ReadUInt16LittleEndian(format);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(2));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(format.AsSpan(4));
                byteRate = BinaryPrimitives.ReadInt32LittleEndian(format.AsSpan(8));
            }
            else if (id.SequenceEqual("data"u8))
            {
                // Streaming writers leave 0 or 0xFFFFFFFF here; the rest of the file is then the data.
                var available = stream.Length - offset - 8;
                dataBytes = size is 0 or uint.MaxValue ? available : Math.Min(size, available);
            }

            if (formatTag != 0 && dataBytes is not null)
            {
                break;
            }

            offset += 8 + size + (size & 1);
        }

        if (formatTag == 0)
        {
            return null;
        }

        var codec = formatTag switch { 1 => "pcm", 3 => "pcm-float", 6 => "a-law", 7 => "mu-law", 0xFFFE => "pcm-extensible", _ => $"format-{formatTag}" };
        double? duration = dataBytes is { } bytes && byteRate > 0 ? (double)bytes / byteRate : null;
        return new AudioInfo(codec, sampleRate, channels, duration, byteRate > 0 ? byteRate * 8 : null);
    }
}
