using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// WebM (EBML, the Matroska subset browsers' MediaRecorder writes): an EBML header whose DocType is <c>webm</c>, then a
/// Segment whose Info gives the length and whose Tracks say whether it holds sound only. Only element headers are read
/// until Info and Tracks are found; clusters are never entered, and no element body above a fixed cap is read.
/// </summary>
internal static class WebmAudio
{
    private const uint EbmlHeaderId = 0x1A45DFA3;
    private const uint DocTypeId = 0x4282;
    private const uint SegmentId = 0x18538067;
    private const uint InfoId = 0x1549A966;
    private const uint TimecodeScaleId = 0x2AD7B1;
    private const uint DurationId = 0x4489;
    private const uint TracksId = 0x1654AE6B;
    private const uint TrackEntryId = 0xAE;
    private const uint TrackTypeId = 0x83;
    private const uint CodecIdId = 0x86;
    private const uint CodecDelayId = 0x56AA;
    private const uint AudioId = 0xE1;
    private const uint SamplingFrequencyId = 0xB5;
    private const uint ChannelsId = 0x9F;
    private const uint ClusterId = 0x1F43B675;
    private const ulong AudioTrackType = 2;

    /// <summary>An element header is at most a 4-byte ID and an 8-byte size.</summary>
    private const int ElementHeaderBytes = 12;
    private const int MaxEbmlHeaderBytes = 4 * 1024;

    /// <summary>Info and Tracks are a few hundred bytes (Tracks a few KiB with Vorbis' codec headers); more is not a recording.</summary>
    private const int MaxMasterBytes = 128 * 1024;

    /// <summary>How many of the Segment's elements (SeekHead, Void, Tags, ...) are stepped over looking for Info and Tracks.</summary>
    private const int MaxSegmentElements = 64;

    /// <summary>An element's ID (with its length marker, as the specification writes IDs), header length and size (null: unknown, to the parent's end).</summary>
    private readonly record struct Element(uint Id, int HeaderLength, long? Size);

    /// <summary>A child element within a buffer: its ID and where its data lies.</summary>
    private readonly record struct Child(uint Id, int Start, int Length);

    public static bool IsEbml(ReadOnlySpan<byte> head) => head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]);

    /// <summary>Whether the file is a WebM whose tracks are all audio (a video, or a file whose tracks cannot be read, is not).</summary>
    public static bool IsAudio(Stream stream) => Read(stream) is not null;

    public static AudioInfo? Read(Stream stream)
    {
        var head = StreamReads.ReadAt(stream, 0, MaxEbmlHeaderBytes);
        if (!TryReadElement(head, out var ebml) || ebml.Id != EbmlHeaderId || ebml.Size is not { } ebmlSize || ebmlSize > head.Length - ebml.HeaderLength)
        {
            return null;
        }

        var docType = Children(head, ebml.HeaderLength, (int)ebmlSize).Where(c => c.Id == DocTypeId).Select(c => Text(head, c)).FirstOrDefault();
        long offset = ebml.HeaderLength + ebmlSize;
        if (docType != "webm" || !TryReadElement(StreamReads.ReadAt(stream, offset, ElementHeaderBytes), out var segment) || segment.Id != SegmentId)
        {
            return null;
        }

        // A live recorder cannot seek back to write the Segment's size: unknown means to the end of the file.
        offset += segment.HeaderLength;
        var end = segment.Size is { } segmentSize ? Math.Min(stream.Length, offset + segmentSize) : stream.Length;
        byte[]? info = null, tracks = null;
        for (var count = 0; count < MaxSegmentElements && offset < end && (info is null || tracks is null); count++)
        {
            // Tracks precede the first Cluster in every muxer's output; a Cluster (often of unknown size) ends the search.
            if (!TryReadElement(StreamReads.ReadAt(stream, offset, ElementHeaderBytes), out var element) || element.Id == ClusterId || element.Size is not { } size)
            {
                break;
            }

            var dataStart = offset + element.HeaderLength;
            if ((element.Id == InfoId && info is null) || (element.Id == TracksId && tracks is null))
            {
                if (size > MaxMasterBytes || size > stream.Length - dataStart)
                {
                    return null;
                }

                var body = StreamReads.ReadAt(stream, dataStart, (int)size);
                (info, tracks) = element.Id == InfoId ? (body, tracks) : (info, body);
            }

            offset = dataStart + size;
        }

        if (tracks is null || AudioTrack(tracks) is not var (codec, rate, channels, delay))
        {
            return null;
        }

        // Like Ogg's pre-skip, Opus' priming samples (CodecDelay, in ns) are counted in the timestamps but never heard.
        var duration = info is null ? null : Duration(info) - (delay / 1e9);
        return new AudioInfo(codec, rate, channels, duration is { } seconds ? Math.Max(0, seconds) : null, null);
    }

    /// <summary>The first track's format and codec delay when every track is audio; null when there is none or any other kind.</summary>
    private static (string Codec, int Rate, int Channels, ulong Delay)? AudioTrack(byte[] tracks)
    {
        (string, int, int, ulong)? first = null;
        foreach (var entry in Children(tracks, 0, tracks.Length).Where(c => c.Id == TrackEntryId))
        {
            ulong type = 0, delay = 0;
            string codec = "webm";
            int rate = 0, channels = 0;
            foreach (var field in Children(tracks, entry.Start, entry.Length))
            {
                switch (field.Id)
                {
                    case TrackTypeId:
                        type = Unsigned(tracks, field) ?? 0;
                        break;
                    case CodecIdId:
                        // "A_OPUS" → "opus", "A_VORBIS" → "vorbis".
                        var id = Text(tracks, field);
                        codec = (id.StartsWith("A_", StringComparison.Ordinal) ? id[2..] : id).ToLowerInvariant();
                        break;
                    case CodecDelayId:
                        delay = Unsigned(tracks, field) ?? 0;
                        break;
                    case AudioId:
                        (rate, channels) = AudioFormat(tracks, field);
                        break;
                }
            }

            if (type != AudioTrackType)
            {
                return null;
            }

            first ??= (codec, rate, channels, delay);
        }

        return first;
    }

    private static (int Rate, int Channels) AudioFormat(byte[] tracks, Child audio)
    {
        // The specification's defaults: 8 kHz, mono.
        double rate = 8000;
        ulong channels = 1;
        foreach (var field in Children(tracks, audio.Start, audio.Length))
        {
            if (field.Id == SamplingFrequencyId)
            {
                rate = Float(tracks, field) ?? rate;
            }
            else if (field.Id == ChannelsId)
            {
                channels = Unsigned(tracks, field) ?? channels;
            }
        }

        return (double.IsFinite(rate) && rate is > 0 and < int.MaxValue ? (int)rate : 0, (int)Math.Min(channels, 255));
    }

    private static double? Duration(byte[] info)
    {
        // Duration counts TimecodeScale nanoseconds (1 ms by default); a live recorder writes none.
        ulong scale = 1_000_000;
        double? duration = null;
        foreach (var field in Children(info, 0, info.Length))
        {
            if (field.Id == TimecodeScaleId)
            {
                scale = Unsigned(info, field) ?? scale;
            }
            else if (field.Id == DurationId)
            {
                duration = Float(info, field);
            }
        }

        return duration is { } ticks && scale > 0 ? ticks * scale / 1e9 : null;
    }

    /// <summary>The children of the element whose data is <paramref name="length"/> bytes at <paramref name="start"/>; stops at the first that does not fit.</summary>
    private static List<Child> Children(byte[] data, int start, int length)
    {
        var children = new List<Child>();
        var end = Math.Min(data.Length, start + length);
        for (var offset = start; offset < end;)
        {
            if (!TryReadElement(data.AsSpan(offset, end - offset), out var element) || element.Size is not { } size || size > end - offset - element.HeaderLength)
            {
                break;
            }

            children.Add(new Child(element.Id, offset + element.HeaderLength, (int)size));
            offset += element.HeaderLength + (int)size;
        }

        return children;
    }

    private static bool TryReadElement(ReadOnlySpan<byte> data, out Element element)
    {
        element = default;
        if (!TryReadVarInt(data, 4, out var id, out var idLength) || !TryReadVarInt(data[idLength..], 8, out var size, out var sizeLength))
        {
            return false;
        }

        // A size's marker bit is not part of its value; all value bits set means "unknown".
        var mask = (1UL << (7 * sizeLength)) - 1;
        var value = size & mask;
        element = new Element((uint)id, idLength + sizeLength, value == mask ? null : (long)value);
        return true;
    }

    /// <summary>An EBML variable-length integer, marker bit included: the count of leading zero bits of its first byte gives its length.</summary>
    private static bool TryReadVarInt(ReadOnlySpan<byte> data, int maxLength, out ulong value, out int length)
    {
        value = 0;
        length = data.IsEmpty || data[0] == 0 ? 0 : BitOperations.LeadingZeroCount((uint)data[0]) - 23;
        if (length == 0 || length > maxLength || length > data.Length)
        {
            return false;
        }

        value = BigEndian(data[..length]);
        return true;
    }

    private static ulong? Unsigned(byte[] data, Child field) => field.Length <= 8 ? BigEndian(data.AsSpan(field.Start, field.Length)) : null;

    private static ulong BigEndian(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static double? Float(byte[] data, Child field) => field.Length switch
    {
        4 => BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(field.Start)),
        8 => BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(field.Start)),
        _ => null,
    };

    private static string Text(byte[] data, Child field) => Encoding.ASCII.GetString(data, field.Start, field.Length).TrimEnd('\0');
}
