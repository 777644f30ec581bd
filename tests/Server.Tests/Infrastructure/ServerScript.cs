using System.Diagnostics;
using System.Globalization;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// Runs the scripts in tests/scripts that start throwaway servers (<c>NAME.sh start DIR ... OWNER_PID</c>, <c>NAME.sh stop DIR</c>).
/// </summary>
public static class ServerScript
{
    /// <summary>
    /// Starts a server into a fresh temporary directory and returns what the script printed (its address). The script's watchdog stops
    /// the server when this process ends however it ends; ProcessExit is the quick path.
    /// </summary>
    /// <param name="script">The script's file name in tests/scripts.</param>
    /// <param name="arguments">Arguments between the directory and the owner pid.</param>
    public static string Start(string script, params string[] arguments)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "scripts", script);
        var dir = Path.Combine(Path.GetTempPath(), $"atom-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid().ToString("N")[..8]}");
        var output = Run(path, ["start", dir, .. arguments, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]).Trim();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run(path, "stop", dir);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean: it is under the temp directory.
            }
        };
        return output;
    }

    /// <summary>Finds the repository's root (where Atom.sln is) above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Atom.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Atom.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{Path.GetFileName(script)} {string.Join(' ', args)} failed: {error}");
    }
}
