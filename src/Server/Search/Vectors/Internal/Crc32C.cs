using System.Buffers.Binary;
using System.Numerics;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>CRC-32C over bytes, with the CPU's CRC instruction where there is one: the checksum of snapshots and log records.</summary>
internal static class Crc32C
{
    /// <summary>The value a checksum starts from.</summary>
    public const uint Seed = 0xFFFFFFFF;

    /// <summary>Continues a checksum over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    /// <summary>The checksum of a whole span.</summary>
    public static uint Of(ReadOnlySpan<byte> data) => Append(Seed, data);
}
