using System.Globalization;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>What a recording's headers say about it; every field is best effort.</summary>
internal sealed record AudioInfo(string Codec, int SampleRate, int Channels, double? DurationSeconds, int? BitRate)
{
    public Dictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>
        {
            [ContentMetadataKeys.Codec] = Codec,
        };
        if (SampleRate > 0)
        {
            metadata[ContentMetadataKeys.SampleRate] = SampleRate.ToString(CultureInfo.InvariantCulture);
        }

        if (Channels > 0)
        {
            metadata[ContentMetadataKeys.Channels] = Channels.ToString(CultureInfo.InvariantCulture);
        }

        if (DurationSeconds is { } seconds && double.IsFinite(seconds) && seconds >= 0)
        {
            metadata[ContentMetadataKeys.DurationSeconds] = Math.Round(seconds, 3).ToString("0.###", CultureInfo.InvariantCulture);
        }

        if (BitRate is { } bitRate)
        {
            metadata[ContentMetadataKeys.BitRate] = bitRate.ToString(CultureInfo.InvariantCulture);
        }

        return metadata;
    }
}

/// <summary>Reads of a seekable file that tolerate its end.</summary>
internal static class StreamReads
{
    /// <summary>Reads up to <paramref name="count"/> bytes at <paramref name="offset"/>; fewer at the end of the file.</summary>
    public static byte[] ReadAt(Stream stream, long offset, int count)
    {
        if (offset < 0 || offset >= stream.Length || count <= 0)
        {
            return [];
        }

        stream.Position = offset;
        var buffer = new byte[(int)Math.Min(count, stream.Length - offset)];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
