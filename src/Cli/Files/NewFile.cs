namespace Atom.Cli.Files;

/// <summary>
/// Writes a file the CLI produces (a download, synthesized speech) under a temporary name beside it, renamed into
/// place only once every byte is written, so a failed or interrupted command never leaves half a file under the real
/// name, and never replaces one that is there unless told to.
/// </summary>
internal static class NewFile
{
    /// <summary>Writes a file.</summary>
    /// <param name="destination">The absolute path.</param>
    /// <param name="force">Whether an existing file there is replaced.</param>
    /// <param name="write">Writes the content to the temporary file.</param>
    /// <param name="while">What was going on, for the error when a file appears meanwhile (e.g. <c>downloading</c>).</param>
    /// <returns>A task that completes once the file is in place.</returns>
    /// <exception cref="UsageException">Something is there already, and <paramref name="force"/> is not set.</exception>
    public static async Task WriteAsync(string destination, bool force, Func<Stream, Task> write, string @while)
    {
        CheckAbsent(destination, force);
        var temporary = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.{Guid.NewGuid():N}.part");
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true))
            {
                await write(output).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, destination, overwrite: force);
            }
            catch (IOException) when (!force && Path.Exists(destination))
            {
                throw new UsageException($"{destination} appeared while {@while}: pass --force to overwrite it.");
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Checks, before any call is made, that a file may be written.</summary>
    /// <param name="destination">The path.</param>
    /// <param name="force">Whether an existing file there is replaced.</param>
    /// <exception cref="UsageException">Something is there already, and <paramref name="force"/> is not set.</exception>
    public static void CheckAbsent(string destination, bool force)
    {
        if (!force && Path.Exists(destination))
        {
            throw new UsageException($"{destination} exists: pass --force to overwrite it.");
        }
    }
}
