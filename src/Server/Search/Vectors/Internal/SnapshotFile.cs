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
    private static readonly byte[] Magic = "ATOMVECS"u8.ToArray();

    public static void Write(Stream stream, CollectionCapture capture)
    {
        var checksum = new ChecksumStream(stream);
        using (var writer = new BinaryWriter(checksum, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(capture.Dimensions);
            foreach (var table in new[] { capture.Tenants, capture.Sources, capture.Scopes, capture.Kinds, capture.Categories })
            {
                writer.Write(table.Length);
                foreach (var value in table)
                {
                    writer.Write(value);
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
            }
        }

        var crc = checksum.Crc;
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BitConverter.TryWriteBytes(trailer, crc);
        stream.Write(trailer);
    }

    /// <summary>Reads a snapshot into a new collection made by <paramref name="create"/> for its dimensions.</summary>
    /// <exception cref="InvalidDataException">The file is not a whole, intact snapshot.</exception>
    public static VectorCollection Read(Stream stream, Func<int, int, VectorCollection> create)
    {
        // No count may exceed the file's bytes: a damaged count must fail as corrupt, not as an enormous allocation.
        var limit = stream.CanSeek ? stream.Length : int.MaxValue;
        var checksum = new ChecksumStream(stream);
        using var reader = new BinaryReader(checksum, Encoding.UTF8, leaveOpen: true);
        VectorCollection? collection = null;
        try
        {
            Span<byte> magic = stackalloc byte[Magic.Length];
            checksum.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
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

            var tables = new string[5][];
            for (var t = 0; t < tables.Length; t++)
            {
                tables[t] = new string[Count(reader, limit)];
                for (var i = 0; i < tables[t].Length; i++)
                {
                    tables[t][i] = reader.ReadString();
                }
            }

            var points = Count(reader, limit / (dimensions * sizeof(float)));
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
                checksum.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
                collection.Restore(id, new VectorPayload(tenant, source, scope, kind, created, category), vector);
            }

            var computed = checksum.Crc;
            if (reader.ReadUInt32() != computed)
            {
                throw new InvalidDataException("snapshot checksum does not match");
            }

            if (stream.ReadByte() != -1)
            {
                throw new InvalidDataException("snapshot has bytes after its checksum");
            }

            return collection;
        }
        catch (Exception ex) when (ex is EndOfStreamException or DecoderFallbackException or FormatException or IOException)
        {
            collection?.Dispose();
            throw new InvalidDataException($"snapshot is cut short or damaged: {ex.Message}", ex);
        }
        catch
        {
            collection?.Dispose();
            throw;
        }
    }

    private static int Count(BinaryReader reader, long limit)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= limit ? count : throw new InvalidDataException($"snapshot has a count of {count}");
    }

    private static string Value(string[] table, int id) =>
        (uint)id < (uint)table.Length ? table[id] : throw new InvalidDataException($"snapshot refers to value {id} of {table.Length}");
}
