using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Atom.Server.Tests.Files.Processing.Fixtures;

/// <summary>Files of each format built byte by byte from their specifications, small enough to read in a test.</summary>
public static class SampleFiles
{
    /// <summary>A real PNG (IHDR, zlib-compressed IDAT, IEND with CRCs) of a white canvas; only the header's size may be a lie.</summary>
    public static byte[] Png(int width, int height, int pixelWidth = 0, int pixelHeight = 0)
    {
        pixelWidth = pixelWidth == 0 ? width : pixelWidth;
        pixelHeight = pixelHeight == 0 ? height : pixelHeight;
        var raw = new MemoryStream();
        for (var y = 0; y < pixelHeight; y++)
        {
            raw.WriteByte(0); // filter: none
            raw.Write(Enumerable.Repeat((byte)0xFF, pixelWidth).ToArray());
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw.ToArray());
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace all 0
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngChunk(png, "IHDR", header);
        PngChunk(png, "IDAT", compressed.ToArray());
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 1×1 GIF89a: header, logical screen of <paramref name="width"/>×<paramref name="height"/>, a two-colour table, one image.</summary>
    public static byte[] Gif(int width, int height)
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.Write([0x80, 0, 0]); // global colour table of 2 entries
        gif.Write([0xFF, 0xFF, 0xFF, 0, 0, 0]);
        gif.WriteByte(0x2C); // image descriptor at 0,0 of 1x1
        gif.Write([0, 0, 0, 0, 1, 0, 1, 0, 0]);
        gif.Write([2, 2, 0x44, 0x01, 0]); // LZW minimum code size 2; one sub-block: clear, index 0, end
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>A lossless WebP whose VP8L header declares <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] WebP(int width, int height)
    {
        var bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        var chunk = new byte[5];
        chunk[0] = 0x2F; // VP8L signature
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(1), bits);
        return Riff("WEBP", ("VP8L", chunk));
    }

    /// <summary>A PCM WAV of <paramref name="seconds"/> of silence.</summary>
    public static byte[] Wav(int sampleRate, int channels, double seconds)
    {
        var format = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(format, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(4), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(8), sampleRate * channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(12), (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(14), 16);
        return Riff("WAVE", ("fmt ", format), ("data", new byte[(int)(sampleRate * channels * 2 * seconds)]));
    }

    /// <summary>
    /// An MP3 of <paramref name="frames"/> silent MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz, joint stereo
    /// (417 bytes each), after an empty ID3v2.3 tag when <paramref name="id3"/>.
    /// </summary>
    public static byte[] Mp3(int frames, bool id3)
    {
        var mp3 = new MemoryStream();
        if (id3)
        {
            mp3.Write(Id3v2Tag(0));
        }

        for (var i = 0; i < frames; i++)
        {
            var frame = new byte[417];
            frame[0] = 0xFF;
            frame[1] = 0xFB; // sync, MPEG-1, Layer III, no CRC
            frame[2] = 0x90; // 128 kbit/s, 44.1 kHz, no padding
            frame[3] = 0x64; // joint stereo
            mp3.Write(frame);
        }

        return mp3.ToArray();
    }

    /// <summary>An ID3v2.3 tag of <paramref name="paddingBytes"/> bytes of padding (no frames), as taggers put before MP3 and FLAC.</summary>
    public static byte[] Id3v2Tag(int paddingBytes)
    {
        // The size is synchsafe: 7 bits per byte.
        var tag = new byte[10 + paddingBytes];
        "ID3"u8.CopyTo(tag);
        tag[3] = 3;
        for (var i = 0; i < 4; i++)
        {
            tag[9 - i] = (byte)((paddingBytes >> (7 * i)) & 0x7F);
        }

        return tag;
    }

    /// <summary>Where a WebM's Tracks element starts: its ID's last occurrence in the headers (the first may be the SeekHead's pointer to it).</summary>
    public static int WebmTracksOffset(byte[] webm) => webm.AsSpan(0, Math.Min(webm.Length, 1024)).LastIndexOf((ReadOnlySpan<byte>)[0x16, 0x54, 0xAE, 0x6B]);

    /// <summary>An Ogg Vorbis stream: the identification header page, then a last page whose granule marks <paramref name="seconds"/>.</summary>
    public static byte[] OggVorbis(int sampleRate, int channels, double seconds)
    {
        var identification = new MemoryStream();
        identification.Write("\u0001vorbis"u8);
        identification.Write(new byte[4]); // version 0
        identification.WriteByte((byte)channels);
        var rate = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(rate, sampleRate);
        identification.Write(rate);
        identification.Write(new byte[12]); // bit rates
        identification.Write([0xB8, 0x01]); // block sizes, framing
        var ogg = new MemoryStream();
        OggPage(ogg, 0x02, 0, 0, identification.ToArray());
        OggPage(ogg, 0x04, (long)(sampleRate * seconds), 1, new byte[10]);
        return ogg.ToArray();
    }

    /// <summary>An Ogg stream whose first packet is Theora video: Ogg, but not audio.</summary>
    public static byte[] OggTheora()
    {
        var ogg = new MemoryStream();
        OggPage(ogg, 0x02, 0, 0, [0x80, .. "theora"u8, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        return ogg.ToArray();
    }

    /// <summary>
    /// An MPEG-4 file: <c>ftyp</c> with <paramref name="brands"/>, a <c>moov</c> with a movie header of
    /// <paramref name="seconds"/> and one track per handler (<c>soun</c> with an AAC sample entry, or <c>vide</c>), then <c>mdat</c>.
    /// </summary>
    public static byte[] Mp4(string[] brands, double seconds, params string[] handlers)
    {
        var ftyp = Box("ftyp", [.. Encoding.ASCII.GetBytes(brands[0]), 0, 0, 0, 0, .. brands.SelectMany(b => Encoding.ASCII.GetBytes(b))]);
        var mvhd = new byte[100];
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(12), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(16), (uint)(seconds * 1000));
        var traks = handlers.Select(handler =>
        {
            var hdlr = new byte[25];
            Encoding.ASCII.GetBytes(handler).CopyTo(hdlr, 8);
            var entry = new byte[36];
            BinaryPrimitives.WriteUInt32BigEndian(entry, 36);
            "mp4a"u8.CopyTo(entry.AsSpan(4));
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(24), 2);
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(26), 16);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(32), 44100u << 16);
            byte[] stsd = [0, 0, 0, 0, 0, 0, 0, 1, .. entry];
            var stbl = Box("stbl", Box("stsd", stsd));
            return Box("trak", Box("mdia", [.. Box("hdlr", hdlr), .. Box("minf", stbl)]));
        });
        var moov = Box("moov", [.. Box("mvhd", mvhd), .. traks.SelectMany(t => t)]);
        return [.. ftyp, .. Box("mdat", new byte[64]), .. moov];
    }

    /// <summary>A zip of the given entries (text, deflated).</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return zip.ToArray();
    }

    /// <summary>
    /// Inserts an EXIF APP1 segment after a JPEG's SOI marker: a little-endian TIFF structure with one IFD holding
    /// Make and Model as ASCII values stored after the IFD.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, string make, string model)
    {
        var makeBytes = Encoding.ASCII.GetBytes(make + "\0");
        var modelBytes = Encoding.ASCII.GetBytes(model + "\0");
        var tiff = new MemoryStream();
        tiff.Write("II*\0"u8);
        tiff.Write([8, 0, 0, 0]); // first IFD at offset 8
        const int entries = 2;
        var valuesAt = 8 + 2 + (entries * 12) + 4;
        WriteUInt16(tiff, entries);
        IfdAscii(tiff, 0x010F, makeBytes.Length, valuesAt);
        IfdAscii(tiff, 0x0110, modelBytes.Length, valuesAt + makeBytes.Length);
        tiff.Write([0, 0, 0, 0]); // no next IFD
        tiff.Write(makeBytes);
        tiff.Write(modelBytes);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff.ToArray()];
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(payload.Length + 2));
        return [.. jpeg.AsSpan(0, 2), 0xFF, 0xE1, .. length, .. payload, .. jpeg.AsSpan(2)];
    }

    private static void IfdAscii(Stream tiff, int tag, int count, int offset)
    {
        var entry = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(2), 2); // ASCII
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(4), count);
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(8), offset);
        tiff.Write(entry);
    }

    private static byte[] Riff(string form, params (string Id, byte[] Data)[] chunks)
    {
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes(form));
        foreach (var (id, data) in chunks)
        {
            body.Write(Encoding.ASCII.GetBytes(id));
            var size = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(size, data.Length);
            body.Write(size);
            body.Write(data);
            if (data.Length % 2 == 1)
            {
                body.WriteByte(0);
            }
        }

        var riffSize = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(riffSize, (int)body.Length);
        return [.. "RIFF"u8, .. riffSize, .. body.ToArray()];
    }

    private static void OggPage(Stream ogg, byte headerType, long granule, int sequence, byte[] packet)
    {
        var header = new byte[27];
        "OggS"u8.CopyTo(header);
        header[5] = headerType;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(6), granule);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(14), 1); // serial
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), sequence);
        header[26] = 1; // one segment (packets here are shorter than 255 bytes)
        ogg.Write(header);
        ogg.WriteByte((byte)packet.Length);
        ogg.Write(packet);
    }

    private static byte[] Box(string type, byte[] body)
    {
        var box = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(box, box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        body.CopyTo(box, 8);
        return box;
    }

    private static void PngChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }
}
