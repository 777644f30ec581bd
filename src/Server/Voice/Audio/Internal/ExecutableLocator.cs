namespace Atom.Server.Voice.Audio.Internal;

/// <summary>Finds a tool the way a shell would, without starting it: start-up should not pay for a process per tool.</summary>
internal static class ExecutableLocator
{
    /// <summary>The full path of <paramref name="name"/>: itself when it has a directory, else the first match on <c>PATH</c>.</summary>
    public static string? Find(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
