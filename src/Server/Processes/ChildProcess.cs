using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Atom.Server.Processes;

/// <summary>
/// A command-line tool whose standard input and output the caller streams: arguments passed as a list (never through a
/// shell, so no file name can inject anything), standard error kept up to a cap for diagnostics, and the whole process tree
/// killed when the caller is done with it, so that no abandoned tool keeps running or lingers as a zombie.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxErrorBytes = 8 * 1024;

    private readonly Process process;
    private readonly Task<string> error;

    private ChildProcess(Process process)
    {
        this.process = process;
        // Drained to the end even past the cap: a tool blocked on a full stderr pipe would never exit.
        error = ReadErrorAsync(process.StandardError.BaseStream);
    }

    /// <summary>Gets the tool's file name, for messages.</summary>
    public string FileName => process.StartInfo.FileName;

    /// <summary>Gets the tool's standard input.</summary>
    public Stream Input => process.StandardInput.BaseStream;

    /// <summary>Gets the tool's standard output.</summary>
    public Stream Output => process.StandardOutput.BaseStream;

    /// <summary>Gets whether the tool has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <exception cref="InvalidOperationException">The tool is not installed.</exception>
    public static ChildProcess Start(string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"'{fileName}' could not be started; is it installed? ({e.Message})", e);
        }

        return new ChildProcess(process);
    }

    /// <summary>Waits for the tool to end and for its standard error to be read.</summary>
    /// <returns>The exit code and the start of standard error.</returns>
    public async Task<(int ExitCode, string Error)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await error.WaitAsync(cancellationToken));
    }

    /// <summary>Kills the tool and its children, if still running.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }

    /// <summary>Kills the tool if it still runs and reaps it.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            // Reaping is what keeps a killed tool from staying a zombie; a kill takes effect in milliseconds.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            await error.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            // Nothing more can be done for a process that ignores SIGKILL.
        }

        process.Dispose();
    }

    private static async Task<string> ReadErrorAsync(Stream stream)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                kept.Write(buffer, 0, Math.Min(read, MaxErrorBytes - (int)kept.Length));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe went away with the process: what was read is all there is.
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }
}
