namespace Atom.Server.Files.Blobs;

/// <summary>
/// A local file holding a blob's bytes, for tools that only read files (pdftotext, tesseract). Read it, never write it:
/// for the local store it is the blob itself. Dispose the lease when done; a downloaded copy is deleted then.
/// </summary>
public sealed class BlobFileLease : IAsyncDisposable
{
    private readonly bool ownsFile;

    internal BlobFileLease(string path, bool ownsFile)
    {
        Path = path;
        this.ownsFile = ownsFile;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; }

    /// <summary>Deletes the file when the lease owns a copy; leaves a store's own blob file alone.</summary>
    /// <returns>A task that completes when the file is gone.</returns>
    public ValueTask DisposeAsync()
    {
        if (ownsFile)
        {
            File.Delete(Path);
        }

        return ValueTask.CompletedTask;
    }
}
