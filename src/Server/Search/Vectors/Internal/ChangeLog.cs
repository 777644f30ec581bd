using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// The records of a collection's change log: every write since the last snapshot, appended (and flushed) before it is
/// applied in memory. A record is <c>i32 body length, u32 CRC-32C of the body, body</c>; the body is a type byte and then
/// <list type="bullet">
/// <item>1, upsert: <c>i32 n</c>, n x { id, tenant, source, scope, kind, category (strings), i64 created-at, dimensions x f32 as given }</item>
/// <item>2, delete: <c>i32 n</c>, n ids</item>
/// <item>3, delete by source: tenant, source</item>
/// </list>
/// Replaying a log onto the snapshot it follows gives the state it had; replaying it onto a snapshot that already holds
/// its changes gives that state again (every record sets or removes points whatever was there), which is what makes the
/// snapshot's replace-then-truncate safe at any moment of a crash.
/// </summary>
internal static class ChangeLog
{
    public const int HeaderBytes = 8;

    private const byte Upsert = 1;
    private const byte Delete = 2;
    private const byte DeleteBySource = 3;

    public static byte[] EncodeUpsert(IReadOnlyList<VectorPoint> points) => Encode(Upsert, writer =>
    {
        writer.Write(points.Count);
        foreach (var p in points)
        {
            writer.Write(p.Id);
            writer.Write(p.Payload.TenantId);
            writer.Write(p.Payload.SourceId);
            writer.Write(p.Payload.Scope);
            writer.Write(p.Payload.Kind);
            writer.Write(p.Payload.Category);
            writer.Write(p.Payload.CreatedAt);
            writer.Write(MemoryMarshal.AsBytes(p.Vector.Span));
        }
    });

    public static byte[] EncodeDelete(IReadOnlyCollection<string> ids) => Encode(Delete, writer =>
    {
        writer.Write(ids.Count);
        foreach (var id in ids)
        {
            writer.Write(id);
        }
    });

    public static byte[] EncodeDeleteBySource(string tenantId, string sourceId) => Encode(DeleteBySource, writer =>
    {
        writer.Write(tenantId);
        writer.Write(sourceId);
    });

    /// <summary>
    /// Applies the records of a log to a collection and returns the length of the part that holds whole records. A
    /// damaged record at the end is a write a crash cut short (its caller never heard it succeed), and the log is read up
    /// to it; a damaged record with more after it means the log cannot be trusted.
    /// </summary>
    /// <exception cref="InvalidDataException">A damaged record is followed by more data.</exception>
    public static long Replay(ReadOnlySpan<byte> log, VectorCollection collection)
    {
        var offset = 0;
        while (offset < log.Length)
        {
            var rest = log[offset..];
            if (rest.Length < HeaderBytes)
            {
                return EndOfLog(rest, offset);
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (length < 1 || length > rest.Length - HeaderBytes || Crc32C.Of(rest.Slice(HeaderBytes, length)) != crc)
            {
                return EndOfLog(rest, offset);
            }

            Apply(rest.Slice(HeaderBytes, length).ToArray(), collection);
            offset += HeaderBytes + length;
        }

        return offset;
    }

    /// <summary>
    /// Where a log whose record at <paramref name="offset"/> is damaged ends: there, when the record is the last write cut
    /// short (it reaches or passes the end of the file, or all that follows is zeros, as a file system that grew the file
    /// but lost its data leaves it); otherwise the log is damaged in the middle.
    /// </summary>
    private static long EndOfLog(ReadOnlySpan<byte> rest, int offset)
    {
        if (rest.Length < HeaderBytes || rest.IndexOfAnyExcept((byte)0) < 0)
        {
            return offset;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        return length >= 1 && (long)HeaderBytes + length >= rest.Length
            ? offset
            : throw new InvalidDataException($"change log record at byte {offset} is damaged and followed by more data");
    }

    private static void Apply(byte[] body, VectorCollection collection)
    {
        using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        switch (reader.ReadByte())
        {
            case Upsert:
                var points = new VectorPoint[reader.ReadInt32()];
                for (var i = 0; i < points.Length; i++)
                {
                    var id = reader.ReadString();
                    var tenant = reader.ReadString();
                    var source = reader.ReadString();
                    var scope = reader.ReadString();
                    var kind = reader.ReadString();
                    var category = reader.ReadString();
                    var payload = new VectorPayload(tenant, source, scope, kind, reader.ReadInt64(), category);
                    var vector = new float[collection.Dimensions];
                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
                    points[i] = new VectorPoint(id, vector, payload);
                }

                collection.Upsert(points);
                break;
            case Delete:
                var ids = new string[reader.ReadInt32()];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = reader.ReadString();
                }

                collection.Delete(ids);
                break;
            case DeleteBySource:
                collection.DeleteBySource(reader.ReadString(), reader.ReadString());
                break;
            default:
                throw new InvalidDataException("change log record of an unknown type");
        }
    }

    private static byte[] Encode(byte type, Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0L);
            writer.Write(type);
            write(writer);
        }

        var record = buffer.ToArray();
        var body = record.AsSpan(HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32C.Of(body));
        return record;
    }
}
