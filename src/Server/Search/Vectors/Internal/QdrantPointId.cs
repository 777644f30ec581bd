using System.Security.Cryptography;
using System.Text;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// Qdrant takes only unsigned integers or UUIDs as point ids, so a string id becomes a name-based UUID: the first 16 bytes
/// of SHA-256 over a fixed namespace and the id's UTF-8, marked as version 8 (RFC 9562's custom layout) and variant 10.
/// The same id always gives the same UUID, so upserts replace and deletes find their point; the id itself travels in the
/// payload, because a hash cannot be turned back.
/// </summary>
internal static class QdrantPointId
{
    // Atom's own namespace: a fixed random value, so ids of other systems that hash names the same way do not collide with ours.
    private static readonly byte[] Namespace = Convert.FromHexString("6a1f5b0e93d24c7e8f0b2d9a47c3e815");

    public static string For(string id)
    {
        var name = Encoding.UTF8.GetBytes(id);
        var input = new byte[Namespace.Length + name.Length];
        Namespace.CopyTo(input, 0);
        name.CopyTo(input, Namespace.Length);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
