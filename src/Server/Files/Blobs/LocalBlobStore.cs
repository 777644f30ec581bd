using Atom.Server.Files.Blobs.Internal;
using Atom.Server.Storage.Internal;

namespace Atom.Server.Files.Blobs;

/// <summary>
/// Blobs as files in a directory (the embedded default): <c>&lt;dir&gt;/ab/cd/&lt;sha256&gt;</c>, read-only once written. A blob
/// appears only by an atomic rename of a complete, fsynced file from <c>&lt;dir&gt;/.tmp</c>, so a crash can leave a stray temporary
/// file (swept at start-up) but never a partial blob. One instance per directory: creating one sweeps the temporary files.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TempFileDirectory temp;

    /// <summary>Initializes a new instance over <paramref name="directory"/>, creating it if needed and removing what a crash left in its <c>.tmp</c>.</summary>
    /// <param name="directory">The blob directory.</param>
    public LocalBlobStore(string directory)
    {
        Directory = Path.GetFullPath(directory);
        temp = new TempFileDirectory(Path.Combine(Directory, ".tmp"));
    }

    /// <summary>Gets the full path of the blob directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async Task<BlobInfo> PutFileAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        if (File.Exists(PathOf(sha256)))
        {
            // Stored already: only the promise needs checking before the caller's copy goes.
            var existing = await HashingCopy.HashFileAsync(path, cancellationToken);
            BlobAddress.Verify(sha256, existing);
            File.Delete(path);
            return existing;
        }

        // Into .tmp first, so that what is verified is a file only this store can still change.
        var staged = temp.NewFile();
        var moved = Durability.TryRename(path, staged);
        BlobInfo actual;
        try
        {
            actual = moved ? await HashAndFlushAsync(staged, cancellationToken) : await CopyAsync(path, staged, cancellationToken);
            BlobAddress.Verify(sha256, actual);
        }
        catch
        {
            if (moved)
            {
                Durability.TryRename(staged, path);
            }
            else
            {
                TempFileDirectory.TryDelete(staged);
            }

            throw;
        }

        Commit(staged, actual);
        if (!moved)
        {
            File.Delete(path);
        }

        return actual;
    }

    /// <inheritdoc />
    public async Task<BlobInfo> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        string staged;
        BlobInfo info;
        var file = temp.Create(out staged);
        try
        {
            await using (file)
            {
                info = await HashingCopy.CopyAsync(content, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
        }
        catch
        {
            TempFileDirectory.TryDelete(staged);
            throw;
        }

        Commit(staged, info);
        return info;
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string sha256, long offset, long? length, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        var file = OpenBlob(sha256);
        try
        {
            var count = BlobRange.Resolve(offset, length, file.Length);
            file.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult<Stream>(new SliceStream(file, count));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<BlobInfo?> GetInfoAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        var file = new FileInfo(PathOf(sha256));
        return Task.FromResult(file.Exists ? new BlobInfo(sha256, file.Length) : null);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        var path = PathOf(sha256);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Never stored: deleting is idempotent.
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<BlobFileLease> OpenFileAsync(string sha256, CancellationToken cancellationToken)
    {
        BlobAddress.Validate(sha256);
        var path = PathOf(sha256);
        return File.Exists(path) ? Task.FromResult(new BlobFileLease(path, ownsFile: false)) : throw new BlobNotFoundException(sha256);
    }

    /// <summary>Only ever called with a validated address: that validation is what keeps the result inside the directory.</summary>
    private string PathOf(string sha256) => Path.Combine(Directory, sha256[..2], sha256[2..4], sha256);

    private FileStream OpenBlob(string sha256)
    {
        try
        {
            return new FileStream(PathOf(sha256), new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, Options = FileOptions.Asynchronous });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(sha256);
        }
    }

    private static async Task<BlobInfo> HashAndFlushAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = HashingCopy.OpenSequential(path);
        var info = await HashingCopy.CopyAsync(file, null, cancellationToken);
        // The caller wrote the file but need not have synced it; a blob must survive a power cut once put returns.
        Durability.FlushFile(file.SafeFileHandle);
        return info;
    }

    private static async Task<BlobInfo> CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var source = HashingCopy.OpenSequential(from);
        await using var target = new FileStream(to, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0, PreallocationSize = source.Length });
        var info = await HashingCopy.CopyAsync(source, target, cancellationToken);
        target.Flush(flushToDisk: true);
        return info;
    }

    /// <summary>Moves a complete, flushed temporary file into place as the blob <paramref name="info"/>, or drops it when the blob exists.</summary>
    private void Commit(string staged, BlobInfo info)
    {
        var target = PathOf(info.Sha256);
        var shard = Path.GetDirectoryName(target)!;
        if (File.Exists(target))
        {
            TempFileDirectory.TryDelete(staged);
            return;
        }

        var created = !System.IO.Directory.Exists(shard);
        System.IO.Directory.CreateDirectory(shard);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(staged, ReadOnly);
        }

        // rename replaces: when a concurrent put of the same bytes got there first, its blob is swapped atomically for an identical
        // one, and a reader holding the old file keeps reading it.
        if (!Durability.TryRename(staged, target))
        {
            throw new IOException($"{temp.Path} and {shard} are on different filesystems; a blob could not appear atomically.");
        }

        Durability.FlushDirectory(shard);
        if (created)
        {
            Durability.FlushDirectory(Path.GetDirectoryName(shard)!);
            Durability.FlushDirectory(Directory);
        }
    }
}
