using System.Buffers.Binary;

namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>The 44-byte header of a mono 16-bit PCM WAV.</summary>
internal static class WavStreamHeader
{
    /// <summary>The header; <paramref name="dataBytes"/> null for a stream of unknown length (sizes 0xFFFFFFFF).</summary>
    public static byte[] Create(int sampleRate, long? dataBytes)
    {
        var header = new byte[44];
        var span = header.AsSpan();
        var data = dataBytes is { } known ? (uint)Math.Min(known, uint.MaxValue - 36) : uint.MaxValue;
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], data == uint.MaxValue ? uint.MaxValue : data + 36);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], data);
        return header;
    }
}
