using System.Buffers.Binary;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>Ogg: pages starting <c>OggS</c>; the first packet names the codec, the last page's granule position gives the length.</summary>
internal static class OggAudio
{
    private const int PageHeaderBytes = 27;

    /// <summary>How much of the file's end is searched for the last page (a page is at most ~64 KiB).</summary>
    private const int TailBytes = 66 * 1024;

    /// <summary>The audio codec the first page announces; null when it is no Ogg page or not audio (e.g. Theora video).</summary>
    public static string? AudioCodec(ReadOnlySpan<byte> head) => Identify(head)?.Codec;

    public static AudioInfo? Read(Stream stream)
    {
        if (Identify(StreamReads.ReadAt(stream, 0, 64 * 1024)) is not { } first)
        {
            return null;
        }

        double? duration = null;
        var tailStart = Math.Max(0, stream.Length - TailBytes);
        var tail = StreamReads.ReadAt(stream, tailStart, TailBytes);
        var last = tail.AsSpan().LastIndexOf("OggS"u8);
        if (last >= 0 && last + PageHeaderBytes <= tail.Length && first.Rate > 0)
        {
            var granule = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(last + 6));
            // Opus always counts 48 kHz samples, after a pre-skip of priming samples.
            var samples = first.Codec == "opus" ? granule - first.PreSkip : granule;
            var rate = first.Codec == "opus" ? 48000 : first.Rate;
            duration = granule >= 0 ? Math.Max(0, samples) / (double)rate : null;
        }

        return new AudioInfo(first.Codec, first.Rate, first.Channels, duration, null);
    }

    private static (string Codec, int Rate, int Channels, int PreSkip)? Identify(ReadOnlySpan<byte> head)
    {
        if (head.Length < PageHeaderBytes || !head[..4].SequenceEqual("OggS"u8) || head[4] != 0)
        {
            return null;
        }

        var segments = head[26];
        var packet = head[Math.Min(head.Length, PageHeaderBytes + segments)..];
        if (packet.Length >= 16 && packet[..7].SequenceEqual("\u0001vorbis"u8))
        {
            return ("vorbis", BinaryPrimitives.ReadInt32LittleEndian(packet[12..]), packet[11], 0);
        }

        if (packet.Length >= 16 && packet[..8].SequenceEqual("OpusHead"u8))
        {
            return ("opus", BinaryPrimitives.ReadInt32LittleEndian(packet[12..]), packet[9], BinaryPrimitives.ReadUInt16LittleEndian(packet[10..]));
        }

        if (packet.Length >= 5 && packet[..5].SequenceEqual("\u007FFLAC"u8))
        {
            return ("flac", 0, 0, 0);
        }

        if (packet.Length >= 8 && packet[..8].SequenceEqual("Speex   "u8))
        {
            return ("speex", 0, 0, 0);
        }

        return null;
    }
}
