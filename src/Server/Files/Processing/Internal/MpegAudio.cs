using System.Buffers.Binary;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>MP3: an optional ID3v2 tag, then MPEG audio Layer III frames.</summary>
internal static class MpegAudio
{
    // Kilobits per second by bitrate index (1..14); index 0 ("free") and 15 (invalid) are refused.
    private static readonly int[] Mpeg1Layer3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Layer3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>How far past the tag (or the file's start) a frame may begin: encoders leave some padding.</summary>
    private const int SyncSearchBytes = 4096;

    internal readonly record struct Frame(int Version, int BitRate, int SampleRate, int Channels, int Length, int SamplesPerFrame);

    /// <summary>The length of an ID3v2 tag at the start of <paramref name="head"/>, header and footer included; 0 when there is none.</summary>
    public static long Id3v2Length(ReadOnlySpan<byte> head)
    {
        if (head.Length < 10 || !head[..3].SequenceEqual("ID3"u8) || head[3] == 0xFF || head[4] == 0xFF)
        {
            return 0;
        }

        // The size is "synchsafe": 7 bits per byte, the high bit always clear.
        var size = 0L;
        for (var i = 6; i < 10; i++)
        {
            if ((head[i] & 0x80) != 0)
            {
                return 0;
            }

            size = (size << 7) | head[i];
        }

        var footer = (head[5] & 0x10) != 0 ? 10 : 0;
        return 10 + size + footer;
    }

    /// <summary>Parses a Layer III frame header (MPEG 1, 2 or 2.5).</summary>
    public static bool TryParseFrame(ReadOnlySpan<byte> bytes, out Frame frame)
    {
        frame = default;
        if (bytes.Length < 4 || bytes[0] != 0xFF || (bytes[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        var versionBits = (bytes[1] >> 3) & 3; // 0: 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
        var layerBits = (bytes[1] >> 1) & 3;   // 1: Layer III
        var bitRateIndex = bytes[2] >> 4;
        var sampleRateIndex = (bytes[2] >> 2) & 3;
        if (versionBits == 1 || layerBits != 1 || bitRateIndex is 0 or 15 || sampleRateIndex == 3)
        {
            return false;
        }

        var mpeg1 = versionBits == 3;
        var bitRate = (mpeg1 ? Mpeg1Layer3 : Mpeg2Layer3)[bitRateIndex] * 1000;
        int[] rates = versionBits switch { 3 => [44100, 48000, 32000], 2 => [22050, 24000, 16000], _ => [11025, 12000, 8000] };
        var sampleRate = rates[sampleRateIndex];
        var padding = (bytes[2] >> 1) & 1;
        var samples = mpeg1 ? 1152 : 576;
        var length = (samples / 8 * bitRate / sampleRate) + padding;
        var channels = (bytes[3] >> 6) == 3 ? 1 : 2;
        frame = new Frame(mpeg1 ? 1 : 2, bitRate, sampleRate, channels, length, samples);
        return true;
    }

    /// <summary>
    /// Whether the file is MP3: an ID3v2 tag followed by a frame, or two consecutive frames at the start
    /// (one 0xFFE sync word alone occurs by chance in binary data too often to trust).
    /// </summary>
    public static bool IsMp3(Stream stream) => FindFirstFrame(stream) is not null;

    public static AudioInfo? Read(Stream stream)
    {
        if (FindFirstFrame(stream) is not (var offset, var frame))
        {
            return null;
        }

        var bytes = StreamReads.ReadAt(stream, offset, frame.Length);
        double? duration = null;
        // A Xing/Info header in the first frame counts the frames of a VBR file; without one the file is CBR.
        var sideInfo = frame.Version == 1 ? (frame.Channels == 1 ? 17 : 32) : (frame.Channels == 1 ? 9 : 17);
        var xing = 4 + sideInfo;
        if (bytes.Length >= xing + 12
            && (bytes.AsSpan(xing, 4).SequenceEqual("Xing"u8) || bytes.AsSpan(xing, 4).SequenceEqual("Info"u8))
            && (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(xing + 4)) & 1) != 0)
        {
            var frames = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(xing + 8));
            duration = (double)frames * frame.SamplesPerFrame / frame.SampleRate;
        }
        else
        {
            duration = (stream.Length - offset) * 8.0 / frame.BitRate;
        }

        var codec = frame.Version == 1 ? "mpeg-1 layer 3" : "mpeg-2 layer 3";
        return new AudioInfo(codec, frame.SampleRate, frame.Channels, duration, frame.BitRate);
    }

    private static (long Offset, Frame Frame)? FindFirstFrame(Stream stream)
    {
        var tag = Id3v2Length(StreamReads.ReadAt(stream, 0, 10));
        var window = StreamReads.ReadAt(stream, tag, SyncSearchBytes + 4);
        var limit = tag > 0 ? Math.Min(SyncSearchBytes, window.Length) : 1;
        for (var i = 0; i < limit; i++)
        {
            if (!TryParseFrame(window.AsSpan(i), out var frame))
            {
                continue;
            }

            if (tag > 0)
            {
                return (tag + i, frame);
            }

            var next = StreamReads.ReadAt(stream, i + frame.Length, 4);
            return TryParseFrame(next, out _) ? (i, frame) : null;
        }

        return null;
    }
}
