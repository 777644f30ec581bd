using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// The binary snapshot of one collection. Little-endian throughout:
/// <code>
/// "ATOMVECS"  u32 version (1)  i32 dimensions
/// 5 x { i32 count, count x string }         the tenant, source, scope, kind and category values
/// i32 points, points x { string id, 5 x i32 value numbers, i64 created-at, dimensions x f32 normalized vector }
/// u32 CRC-32C of every byte before it
/// </code>
/// Strings are BinaryWriter's: a 7-bit encoded byte length, then UTF-8. The checksum covers the whole file, so a file cut
/// short, overwritten in part or from another format reads as corrupt, never as fewer points.
/// </summary>
internal static class SnapshotFile
{
    private const int Version = 1;
    private const int BlockBytes = 1 << 20;
    private static readonly byte[] Magic = "ATOMVECS"u8.ToArray();

    public static void Write(Stream stream, CollectionCapture capture)
    {
        // Written a block at a time through memory, so the checksum sees every byte exactly as the file gets it.
        var crc = Crc32C.Seed;
        using var block = new MemoryStream();
        using var writer = new BinaryWriter(block, Encoding.UTF8, leaveOpen: true);
        void Flush(bool always)
        {
            if (always || block.Length >= BlockBytes)
            {
                writer.Flush();
                var bytes = block.GetBuffer().AsSpan(0, (int)block.Length);
                crc = Crc32C.Append(crc, bytes);
                stream.Write(bytes);
                block.SetLength(0);
            }
        }

        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(capture.Dimensions);
        foreach (var table in new[] { capture.Tenants, capture.Sources, capture.Scopes, capture.Kinds, capture.Categories })
        {
            writer.Write(table.Length);
            foreach (var value in table)
            {
                writer.Write(value);
                Flush(always: false);
            }
        }

        var s = capture.Slots;
        var d = capture.Dimensions;
        writer.Write(capture.LiveSlots.Length);
        foreach (var slot in capture.LiveSlots)
        {
            writer.Write(s.Ids[slot]);
            writer.Write(s.Tenant[slot]);
            writer.Write(s.Source[slot]);
            writer.Write(s.Scope[slot]);
            writer.Write(s.Kind[slot]);
            writer.Write(s.Category[slot]);
            writer.Write(s.Created[slot]);
            writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<float>(s.Vectors, slot * d, d)));
            Flush(always: false);
        }

        Flush(always: true);
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(trailer);
    }

    /// <summary>Reads a snapshot into a new collection made by <paramref name="create"/> for its dimensions and point count.</summary>
    /// <exception cref="InvalidDataException">The file is not a whole, intact snapshot.</exception>
    public static VectorCollection Read(Stream stream, Func<int, int, VectorCollection> create)
    {
        // The checksum first, in a pass of its own: nothing is built from a damaged file. The second pass then reads
        // what the page cache holds already.
        var body = stream.Length - sizeof(uint);
        if (body < Magic.Length || Checksum(stream, body) != ReadTrailer(stream))
        {
            throw new InvalidDataException("snapshot is cut short or its checksum does not match");
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        VectorCollection? collection = null;
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("not a vector snapshot");
            }

            if (reader.ReadInt32() is var version and not Version)
            {
                throw new InvalidDataException($"snapshot version {version} is not supported");
            }

            var dimensions = reader.ReadInt32();
            if (dimensions is < 1 or > VectorChecks.MaxDimensions)
            {
                throw new InvalidDataException($"snapshot has {dimensions} dimensions");
            }

            // No count may exceed the file's bytes: a wrong count must fail as damage, not as an enormous allocation.
            var tables = new string[5][];
            for (var t = 0; t < tables.Length; t++)
            {
                tables[t] = new string[Count(reader, body)];
                for (var i = 0; i < tables[t].Length; i++)
                {
                    tables[t][i] = reader.ReadString();
                }
            }

            var points = Count(reader, body / (dimensions * sizeof(float)));
            collection = create(dimensions, points);
            var vector = new float[dimensions];
            for (var i = 0; i < points; i++)
            {
                var id = reader.ReadString();
                var tenant = Value(tables[0], reader.ReadInt32());
                var source = Value(tables[1], reader.ReadInt32());
                var scope = Value(tables[2], reader.ReadInt32());
                var kind = Value(tables[3], reader.ReadInt32());
                var category = Value(tables[4], reader.ReadInt32());
                var created = reader.ReadInt64();
                stream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
                collection.Restore(id, new VectorPayload(tenant, source, scope, kind, created, category), vector);
            }

            if (stream.Position != body)
            {
                throw new InvalidDataException("snapshot has bytes its points do not account for");
            }

            return collection;
        }
        catch (Exception ex) when (ex is EndOfStreamException or DecoderFallbackException or FormatException or IOException)
        {
            collection?.Dispose();
            throw new InvalidDataException($"snapshot is damaged: {ex.Message}", ex);
        }
        catch
        {
            collection?.Dispose();
            throw;
        }
    }

    private static uint Checksum(Stream stream, long length)
    {
        var crc = Crc32C.Seed;
        var buffer = new byte[BlockBytes];
        stream.Position = 0;
        for (var left = length; left > 0;)
        {
            var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new InvalidDataException("snapshot is cut short");
            }

            crc = Crc32C.Append(crc, buffer.AsSpan(0, n));
            left -= n;
        }

        return crc;
    }

    private static uint ReadTrailer(Stream stream)
    {
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        stream.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    private static int Count(BinaryReader reader, long limit)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= limit ? count : throw new InvalidDataException($"snapshot has a count of {count}");
    }

    private static string Value(string[] table, int id) =>
        (uint)id < (uint)table.Length ? table[id] : throw new InvalidDataException($"snapshot refers to value {id} of {table.Length}");
}
