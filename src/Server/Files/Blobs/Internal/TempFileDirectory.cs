namespace Atom.Server.Files.Blobs.Internal;

/// <summary>
/// A store's private directory for files that are not blobs yet (uploads being written) or no longer (downloaded copies).
/// Anything found there at start-up was left by a crash and is deleted; one store per directory per process.
/// </summary>
internal sealed class TempFileDirectory
{
    public TempFileDirectory(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        foreach (var leftover in Directory.EnumerateFileSystemEntries(path))
        {
            if (Directory.Exists(leftover))
            {
                Directory.Delete(leftover, recursive: true);
            }
            else
            {
                File.Delete(leftover);
            }
        }
    }

    public string Path { get; }

    /// <summary>A new unique file name in the directory (the file is not created).</summary>
    public string NewFile() => System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N"));

    /// <summary>Creates a new file for writing.</summary>
    public FileStream Create(out string path)
    {
        path = NewFile();
        return new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0 });
    }

    /// <summary>Deletes a temporary file if it is still there; cleaning up after a failure must not hide the failure.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start-up's sweep.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
