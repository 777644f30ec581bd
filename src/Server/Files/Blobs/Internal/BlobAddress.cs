using System.Security.Cryptography;

namespace Atom.Server.Files.Blobs.Internal;

/// <summary>The one check that stands between a caller's string and a file path or object key.</summary>
internal static class BlobAddress
{
    /// <summary>Throws unless <paramref name="sha256"/> is exactly 64 lowercase hex digits.</summary>
    public static void Validate(string sha256, string paramName = "sha256")
    {
        ArgumentNullException.ThrowIfNull(sha256, paramName);
        // Strict, not normalizing: "AB.." or " ab.." would otherwise name the same blob twice or slip other characters into a path.
        if (sha256.Length != 64 || !sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
        {
            throw new ArgumentException("A blob address is a SHA-256 of 64 lowercase hex digits.", paramName);
        }
    }

    /// <summary>Formats a finished hash as an address.</summary>
    public static string Format(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    /// <summary>Formats the hash of bytes held in memory as an address.</summary>
    public static BlobInfo Of(ReadOnlySpan<byte> bytes) => new(Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);

    /// <summary>Throws unless the SHA-256 the bytes turned out to have is the one expected.</summary>
    public static void Verify(string expected, BlobInfo actual)
    {
        if (actual.Sha256 != expected)
        {
            throw new InvalidDataException($"The bytes' SHA-256 is {actual.Sha256}, not {expected} as expected.");
        }
    }
}
