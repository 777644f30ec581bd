using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>The outcome of one run of the CLI.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real CLI, <c>dotnet atom.dll ...</c>, as a separate process, the way a script would.</summary>
public static class AtomCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "atom.dll");

    /// <summary>Runs the CLI to completion.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdin">Text for standard input (closed after it), or null for an empty stdin.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="asAdmin">Whether ATOM_TOKEN holds the bootstrap admin's key; false leaves it unset, for stored sign-ins.</param>
    /// <param name="workingDirectory">The directory it runs in, or null for the test's own.</param>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? environment = null, bool asAdmin = true, string? workingDirectory = null)
    {
        using var process = Start(args, environment, asAdmin, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"atom {string.Join(' ', args)} did not finish within {Limit}.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI and leaves it running, for tests that watch output arrive or interrupt it.</summary>
    public static Process Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, bool asAdmin = true, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The developer's own settings must not leak into the tests, nor the tests' sign-ins into the developer's profiles:
        // unless a test says otherwise, the CLI gets a config directory that does not exist.
        info.Environment.Remove("ATOM_SERVER");
        info.Environment.Remove("ATOM_TOKEN");
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "atom-cli-nowhere-" + Guid.NewGuid().ToString("N"));
        if (asAdmin)
        {
            info.Environment["ATOM_TOKEN"] = CliServer.AdminToken;
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends.</summary>
    public static void Interrupt(Process process)
    {
        if (Kill(process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private const int SigInt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
