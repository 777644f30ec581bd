using System.Diagnostics;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>Runs the scripts in tests/scripts that start and stop the real servers the tests use.</summary>
public static class TestScripts
{
    /// <summary>Runs tests/scripts/<paramref name="script"/> with bash and returns its standard output; throws with its standard error if it fails.</summary>
    public static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "scripts", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        // Standard error is read on the side: a script that fills one pipe while the other is read would block.
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {error.Result}");
    }

    /// <summary>The directory that holds Atom.sln.</summary>
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

    /// <summary>
    /// Starts a server with its script (<c>start DIR OWNER_PID</c>) in a fresh temporary directory, stopped when this
    /// process exits (and by the script's watchdog however it ends); returns what the script printed (its address).
    /// </summary>
    public static string Start(string script)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"atom-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid().ToString("N")[..8]}");
        var output = Run(script, "start", dir, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)).Trim();
        StopOnExit(script, dir);
        return output;
    }

    /// <summary>Stops a server with its script and removes its directory when this process exits.</summary>
    public static void StopOnExit(string script, string dir) =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run(script, "stop", dir);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean: it is under the temp directory.
            }
        };
}
