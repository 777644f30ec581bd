using Atom.Server.Storage.Internal;
using System.Security.Cryptography;

namespace Atom.Server.Files.Uploads;

/// <summary>
/// Where an open upload's bytes wait: one file per upload, <c>{staging}/{tenant}/{upload}.part</c>, written at the
/// chunks' offsets (in any order) and flushed to disk before a chunk is recorded as stored. Ids are validated by
/// the callers' stores (server-issued hex), and checked again here before they become paths.
/// </summary>
public sealed class UploadStaging
{
    private const string HandOffSuffix = ".handoff";

    private readonly string _root;

    /// <summary>Initializes a new instance of the <see cref="UploadStaging"/> class.</summary>
    /// <param name="root">The staging directory.</param>
    public UploadStaging(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>Gets the staging file of an upload.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <returns>The path (the file may not exist yet).</returns>
    public string PathOf(string tenantId, string uploadId) => Path.Combine(_root, Segment(tenantId), Segment(uploadId) + ".part");

    /// <summary>Writes bytes at an offset and flushes them to disk.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="offset">Where.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task WriteAsync(string tenantId, string uploadId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = PathOf(tenantId, uploadId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.Asynchronous);
        await RandomAccess.WriteAsync(handle, data, offset, cancellationToken);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>Reads the bytes already staged at an offset (to compare a retried or overlapping chunk).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="offset">Where.</param>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many bytes were read.</returns>
    public async Task<int> ReadAsync(string tenantId, string uploadId, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var path = PathOf(tenantId, uploadId);
        if (!File.Exists(path))
        {
            return 0;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer[total..], offset + total, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Computes the SHA-256 of the first <paramref name="length"/> bytes of the staged file.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="length">The upload's size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The lowercase hex digest.</returns>
    public async Task<string> HashAsync(string tenantId, string uploadId, long length, CancellationToken cancellationToken)
    {
        var path = PathOf(tenantId, uploadId);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

        // A staging file is never longer than the upload, but cut it to the declared size anyway before hashing.
        if (stream.Length != length)
        {
            stream.SetLength(length);
        }

        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>
    /// A second name for the staged file, for the blob store to take (it moves what it is given): the staged bytes stay
    /// where they are until <see cref="Delete"/>, so a completion that fails after the hand-off can be retried. A hard
    /// link where the filesystem allows one, else a copy.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <returns>The path to hand over.</returns>
    public string HandOff(string tenantId, string uploadId)
    {
        var path = PathOf(tenantId, uploadId);
        var handoff = $"{path}.{Guid.NewGuid():N}{HandOffSuffix}";
        if (!Durability.TryHardLink(path, handoff))
        {
            File.Copy(path, handoff);
        }

        return handoff;
    }

    /// <summary>Removes an upload's staging file, and any hand-off a crash left behind.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    public void Delete(string tenantId, string uploadId)
    {
        var path = PathOf(tenantId, uploadId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            foreach (var leftover in Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".*" + HandOffSuffix))
            {
                File.Delete(leftover);
            }
        }
    }

    private static string Segment(string id) =>
        id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit) ? id : throw new ArgumentException($"'{id}' is not an id.", nameof(id));
}
