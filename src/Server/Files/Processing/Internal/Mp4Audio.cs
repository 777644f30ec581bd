using System.Buffers.Binary;
using System.Text;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>
/// MPEG-4 (ISO base media): an <c>ftyp</c> box naming brands, and a <c>moov</c> box whose tracks' handlers say
/// whether it holds sound, video or both. Only the box headers are read; <c>mdat</c> is skipped by seeking.
/// </summary>
internal static class Mp4Audio
{
    private static readonly string[] AudioBrands = ["M4A ", "M4B ", "mp42", "mp41", "isom", "iso2", "iso5", "dash"];
    private const int MaxMoovBytes = 16 * 1024 * 1024;

    private readonly record struct Box(string Type, int Start, int Length);

    public static bool HasFtyp(ReadOnlySpan<byte> head) => head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8);

    /// <summary>Whether the file is M4A: a brand M4A files use, and a movie with sound tracks and no video track.</summary>
    public static bool IsAudio(Stream stream) => Read(stream) is not null;

    public static AudioInfo? Read(Stream stream)
    {
        var head = StreamReads.ReadAt(stream, 0, 256);
        if (!HasFtyp(head))
        {
            return null;
        }

        var ftypLength = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(head), (uint)head.Length);
        var brands = new List<string>();
        for (var i = 8; i + 4 <= ftypLength; i += i == 8 ? 8 : 4) // the minor version follows the major brand
        {
            brands.Add(Encoding.ASCII.GetString(head, i, 4));
        }

        if (!brands.Exists(b => AudioBrands.Contains(b)) || FindMoov(stream) is not { } moov)
        {
            return null;
        }

        bool sound = false, video = false;
        string codec = "mp4";
        int rate = 0, channels = 0;
        foreach (var trak in Children(moov, 0, moov.Length).Where(b => b.Type == "trak"))
        {
            var mdia = Child(moov, trak, "mdia");
            var hdlr = mdia is { } m ? Child(moov, m, "hdlr") : null;
            if (hdlr is not { Length: >= 12 } h)
            {
                continue;
            }

            // hdlr: version/flags (4), pre-defined (4), handler type (4).
            var handler = Encoding.ASCII.GetString(moov, h.Start + 8, 4);
            video |= handler == "vide";
            if (handler == "soun" && !sound)
            {
                sound = true;
                (codec, rate, channels) = SoundEntry(moov, mdia!.Value) ?? (codec, rate, channels);
            }
        }

        if (!sound || video)
        {
            return null;
        }

        return new AudioInfo(codec, rate, channels, MovieDuration(moov), null);
    }

    private static byte[]? FindMoov(Stream stream)
    {
        long offset = 0;
        for (var boxes = 0; boxes < 1024 && offset + 8 <= stream.Length; boxes++)
        {
            var header = StreamReads.ReadAt(stream, offset, 16);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerBytes = 8;
            if (size == 1 && header.Length >= 16)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerBytes = 16;
            }
            else if (size == 0)
            {
                size = stream.Length - offset;
            }

            if (size < headerBytes)
            {
                return null;
            }

            if (header.AsSpan(4, 4).SequenceEqual("moov"u8))
            {
                return size - headerBytes > MaxMoovBytes ? null : StreamReads.ReadAt(stream, offset + headerBytes, (int)(size - headerBytes));
            }

            offset += size;
        }

        return null;
    }

    private static List<Box> Children(byte[] data, int start, int length)
    {
        var boxes = new List<Box>();
        var end = Math.Min(data.Length, start + length);
        for (var offset = start; offset + 8 <= end;)
        {
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset)), int.MaxValue);
            if (size < 8 || offset + size > end)
            {
                break;
            }

            boxes.Add(new Box(Encoding.ASCII.GetString(data, offset + 4, 4), offset + 8, size - 8));
            offset += size;
        }

        return boxes;
    }

    private static Box? Child(byte[] data, Box parent, string type) =>
        Children(data, parent.Start, parent.Length).Cast<Box?>().FirstOrDefault(b => b!.Value.Type == type);

    private static double? MovieDuration(byte[] moov)
    {
        if (Children(moov, 0, moov.Length).Cast<Box?>().FirstOrDefault(b => b!.Value.Type == "mvhd") is not { } mvhd || mvhd.Length < 20)
        {
            return null;
        }

        var body = moov.AsSpan(mvhd.Start, mvhd.Length);
        var (timescale, duration) = body[0] == 1 && body.Length >= 32
            ? (BinaryPrimitives.ReadUInt32BigEndian(body[20..]), (double)BinaryPrimitives.ReadUInt64BigEndian(body[24..]))
            : (BinaryPrimitives.ReadUInt32BigEndian(body[12..]), BinaryPrimitives.ReadUInt32BigEndian(body[16..]));
        return timescale > 0 ? duration / timescale : null;
    }

    private static (string Codec, int Rate, int Channels)? SoundEntry(byte[] moov, Box mdia)
    {
        var stsd = Child(moov, mdia, "minf") is { } minf && Child(moov, minf, "stbl") is { } stbl ? Child(moov, stbl, "stsd") : null;
        // stsd: version/flags (4), entry count (4), then a sample entry: size (4), format (4), 6 reserved, data reference (2),
        // version (2), revision (2), vendor (4), channels (2), sample size (2), compression (2), packet size (2), rate (16.16).
        if (stsd is not { Length: >= 44 } s)
        {
            return null;
        }

        var entry = moov.AsSpan(s.Start + 8);
        var format = Encoding.ASCII.GetString(entry.Slice(4, 4));
        var codec = format switch { "mp4a" => "aac", "alac" => "alac", "Opus" => "opus", "fLaC" => "flac", _ => format.Trim() };
        var channels = BinaryPrimitives.ReadUInt16BigEndian(entry[24..]);
        var rate = (int)(BinaryPrimitives.ReadUInt32BigEndian(entry[32..]) >> 16);
        return (codec, rate, channels);
    }
}
