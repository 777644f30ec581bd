namespace Atom.Cli.Voice;

/// <summary>Reads what a command needs of a local audio file before any call, turning a missing or unreadable file into a usage error.</summary>
internal static class LocalAudio
{
    /// <summary>Reads something of a file.</summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="path">The file, as given.</param>
    /// <param name="read">Reads it; a <see cref="FormatException"/> says why the file is not what is needed.</param>
    /// <param name="unlike">What the file is not, when <paramref name="read"/> finds it is not (e.g. <c>a WAV that can be paced</c>).</param>
    /// <returns>What was read.</returns>
    /// <exception cref="UsageException">The file is missing, unreadable, or not what is needed.</exception>
    public static T Read<T>(string path, Func<string, T> read, string unlike)
    {
        try
        {
            return read(path);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{path} is not {unlike}: {e.Message}.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{path}: no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path} cannot be read: {e.Message}");
        }
    }
}
