using System.Security.Cryptography;

namespace Atom.Cli.Files;

/// <summary>The SHA-256 checksums the file contract speaks in: lowercase hex, of a chunk or of a whole file.</summary>
internal static class Checksums
{
    private const int BufferBytes = 1024 * 1024;

    /// <summary>Gets the checksum of some bytes, as <c>FileChunk.sha256</c> carries it.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>64 lowercase hex digits.</returns>
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Reads a file through and gets its size and checksum, as <c>UploadMetadata</c> declares them.</summary>
    /// <param name="path">The file.</param>
    /// <param name="progress">Told the bytes read so far, after each read.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The size read and the checksum.</returns>
    public static async Task<(long Size, string Sha256)> OfFileAsync(string path, Action<long> progress, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferBytes];
        var size = 0L;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
            progress(size);
        }

        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
