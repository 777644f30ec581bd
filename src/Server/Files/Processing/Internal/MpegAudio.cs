using System.Buffers.Binary;
using Atom.Server.Media;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>MP3: an optional ID3v2 tag, then MPEG audio Layer III frames.</summary>
internal static class MpegAudio
{
    /// <summary>How far past the tag (or the file's start) a frame may begin: encoders leave some padding.</summary>
    private const int SyncSearchBytes = 4096;

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

    private static (long Offset, MpegFrame Frame)? FindFirstFrame(Stream stream)
    {
        var tag = MpegFrame.Id3v2Length(StreamReads.ReadAt(stream, 0, 10));
        var window = StreamReads.ReadAt(stream, tag, SyncSearchBytes + 4);
        var limit = tag > 0 ? Math.Min(SyncSearchBytes, window.Length) : 1;
        for (var i = 0; i < limit; i++)
        {
            if (!MpegFrame.TryParse(window.AsSpan(i), out var frame))
            {
                continue;
            }

            if (tag > 0)
            {
                return (tag + i, frame);
            }

            var next = StreamReads.ReadAt(stream, i + frame.Length, 4);
            return MpegFrame.TryParse(next, out _) ? (i, frame) : null;
        }

        return null;
    }
}
