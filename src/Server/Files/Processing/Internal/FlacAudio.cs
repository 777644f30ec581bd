using System.Buffers.Binary;
using Atom.Server.Media;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>Native FLAC: an optional ID3v2 tag, <c>fLaC</c>, then metadata blocks of which the first is STREAMINFO.</summary>
internal static class FlacAudio
{
    private const int StreamInfoType = 0;
    private const int StreamInfoBytes = 34;

    /// <summary>Whether the file starts with <c>fLaC</c>, after an ID3v2 tag if it has one (some taggers write one).</summary>
    public static bool IsFlac(Stream stream) => MarkerOffset(stream) is not null;

    public static AudioInfo? Read(Stream stream)
    {
        if (MarkerOffset(stream) is not { } marker)
        {
            return null;
        }

        // Block header: last-block flag (1 bit), type (7 bits), length (24 bits); STREAMINFO must come first.
        var block = StreamReads.ReadAt(stream, marker + 4, 4 + StreamInfoBytes);
        if (block.Length < 4 + StreamInfoBytes || (block[0] & 0x7F) != StreamInfoType
            || (BinaryPrimitives.ReadUInt32BigEndian(block) & 0xFFFFFF) != StreamInfoBytes)
        {
            return null;
        }

        // STREAMINFO: min/max block size (2+2), min/max frame size (3+3), then 64 bits of sample rate (20),
        // channels - 1 (3), bits per sample - 1 (5), total samples (36); the MD5 follows.
        var info = block.AsSpan(4);
        var packed = BinaryPrimitives.ReadUInt64BigEndian(info[10..]);
        var sampleRate = (int)(packed >> 44);
        var channels = (int)((packed >> 41) & 0x7) + 1;
        var bitsPerSample = (int)((packed >> 36) & 0x1F) + 1;
        var totalSamples = (long)(packed & 0xF_FFFF_FFFF);
        if (sampleRate == 0 || bitsPerSample < 4 || BinaryPrimitives.ReadUInt16BigEndian(info) < 16)
        {
            return null;
        }

        // A streaming encoder that cannot seek back leaves the total at 0: unknown, not empty.
        double? duration = totalSamples > 0 ? (double)totalSamples / sampleRate : null;
        return new AudioInfo("flac", sampleRate, channels, duration, null);
    }

    private static long? MarkerOffset(Stream stream)
    {
        var tag = MpegFrame.Id3v2Length(StreamReads.ReadAt(stream, 0, 10));
        return StreamReads.ReadAt(stream, tag, 4).AsSpan().SequenceEqual("fLaC"u8) ? tag : null;
    }
}
