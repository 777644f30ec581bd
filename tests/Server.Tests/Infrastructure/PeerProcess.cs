using System.Diagnostics;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// Runs another program to completion (a gRPC peer nobody here wrote: python3-grpcio, connect-web, buf), reading its
/// output as it goes so that neither pipe fills; past the timeout it is killed and the test fails.
/// </summary>
public static class PeerProcess
{
    /// <summary>What a run printed and how it ended.</summary>
    /// <param name="ExitCode">The exit code.</param>
    /// <param name="Stdout">Standard output.</param>
    /// <param name="Stderr">Standard error.</param>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Gets the non-empty lines of standard output.</summary>
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        /// <inheritdoc />
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments, each passed as it is.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <returns>What it printed and its exit code.</returns>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {timeout}: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
