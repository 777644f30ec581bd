using System.Buffers;
using System.Security.Cryptography;

namespace Atom.Server.Files.Blobs.Internal;

/// <summary>Reads a stream to its end once, hashing it and optionally writing it elsewhere on the way.</summary>
internal static class HashingCopy
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (or only reads it, when null) and returns what it was.</summary>
    /// <param name="source">The stream, read to its end.</param>
    /// <param name="destination">Where to write the bytes, or null.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <param name="head">Bytes taken from <paramref name="source"/> already, which come first.</param>
    public static async Task<BlobInfo> CopyAsync(Stream source, Stream? destination, CancellationToken cancellationToken, ReadOnlyMemory<byte> head = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(head.Span);
        if (destination is not null)
        {
            await destination.WriteAsync(head, cancellationToken);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = head.Length;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (destination is not null)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                length += read;
            }

            return new BlobInfo(BlobAddress.Format(hash), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes a file without writing anything.</summary>
    public static async Task<BlobInfo> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = OpenSequential(path);
        return await CopyAsync(file, null, cancellationToken);
    }

    /// <summary>Opens a file for one pass from start to end.</summary>
    public static FileStream OpenSequential(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0 });
}
