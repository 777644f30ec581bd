namespace Atom.Cli.Profiles;

/// <summary>
/// The CLI's own files under <c>$XDG_CONFIG_HOME/atom</c> (or <c>~/.config/atom</c>): directories 0700 and files
/// 0600, since some hold bearer secrets, and files replaced by rename, so a reader never sees half of one.
/// </summary>
internal static class ConfigFiles
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Gets a directory of the CLI's: <c>$XDG_CONFIG_HOME/atom/NAME</c>, else <c>~/.config/atom/NAME</c>.</summary>
    /// <param name="name">The directory's name, e.g. <c>profiles</c>.</param>
    /// <returns>The path; the directory may not exist yet.</returns>
    public static string Directory(string name) => Path.Combine(ConfigHome(), "atom", name);

    /// <summary>Creates a directory of the CLI's, and makes it and its parent (<c>atom</c>) private, also when they existed with a looser mode.</summary>
    /// <param name="directory">The directory, as <see cref="Directory"/> names it.</param>
    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
            return;
        }

        System.IO.Directory.CreateDirectory(directory, PrivateDirectory);
        foreach (var owned in new[] { Path.GetDirectoryName(directory)!, directory })
        {
            if (File.GetUnixFileMode(owned) != PrivateDirectory)
            {
                File.SetUnixFileMode(owned, PrivateDirectory);
            }
        }
    }

    /// <summary>Writes a file, replacing any other: a new file, private from its creation, flushed, renamed over the old.</summary>
    /// <param name="path">The file, in a directory made with <see cref="EnsureDirectory"/>.</param>
    /// <param name="bytes">The content.</param>
    public static void Replace(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, Options(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Gets options that open a file for this process alone and, when it is created, with mode 0600.</summary>
    /// <param name="mode">How to open it.</param>
    /// <param name="access">What for.</param>
    /// <returns>The options.</returns>
    public static FileStreamOptions Options(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        return options;
    }

    private static string ConfigHome()
    {
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return xdg;
        }

        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".config");
    }
}
