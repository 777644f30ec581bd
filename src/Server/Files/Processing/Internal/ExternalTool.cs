using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Atom.Server.Files.Processing.Internal;

/// <summary>What a tool printed and how it ended.</summary>
/// <param name="ExitCode">The exit code; meaningless when <paramref name="OutputTruncated"/>, since the tool was stopped.</param>
/// <param name="Output">Standard output, at most the cap.</param>
/// <param name="OutputTruncated">Whether the tool printed more than the cap and was stopped.</param>
/// <param name="Error">The start of standard error, for diagnostics.</param>
internal sealed record ToolResult(int ExitCode, byte[] Output, bool OutputTruncated, string Error);

/// <summary>
/// Runs a command-line tool on a file: arguments passed as a list (never through a shell, so no file name can inject
/// anything), standard input closed, output read up to a cap, and the whole process tree killed on timeout or cancellation.
/// </summary>
internal static class ExternalTool
{
    private const int MaxErrorBytes = 8 * 1024;

    /// <exception cref="TimeoutException">The tool ran longer than <paramref name="timeout"/> and was killed.</exception>
    /// <exception cref="InvalidOperationException">The tool is not installed.</exception>
    public static async Task<ToolResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, int maxOutputBytes,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
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

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' could not be started; is it installed? ({e.Message})", e);
        }

        process.StandardInput.Close();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            var error = ReadCappedAsync(process.StandardError.BaseStream, MaxErrorBytes, drain: true, timer.Token);
            var (output, truncated) = await ReadCappedAsync(process.StandardOutput.BaseStream, maxOutputBytes, drain: false, timer.Token);
            if (truncated)
            {
                Kill(process);
            }

            await process.WaitForExitAsync(timer.Token);
            var (errorBytes, _) = await error;
            return new ToolResult(process.ExitCode, output, truncated, Encoding.UTF8.GetString(errorBytes));
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{fileName}' ran longer than {timeout.TotalSeconds:0.#} s and was stopped.");
        }
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadCappedAsync(Stream stream, int cap, bool drain, CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = cap - (int)kept.Length;
            kept.Write(buffer, 0, Math.Min(room, read));
            if (read > room && !drain)
            {
                return (kept.ToArray(), true);
            }
        }

        return (kept.ToArray(), false);
    }

    private static void Kill(Process process)
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
}
