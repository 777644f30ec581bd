namespace Atom.Server.Processes;

/// <summary>What a tool printed and how it ended.</summary>
/// <param name="ExitCode">The exit code; meaningless when <paramref name="OutputTruncated"/>, since the tool was stopped.</param>
/// <param name="Output">Standard output, at most the cap.</param>
/// <param name="OutputTruncated">Whether the tool printed more than the cap and was stopped.</param>
/// <param name="Error">The start of standard error, for diagnostics.</param>
internal sealed record ToolResult(int ExitCode, byte[] Output, bool OutputTruncated, string Error);

/// <summary>
/// Runs a command-line tool on a file to the end: standard input closed, output read up to a cap, and the whole process
/// tree killed on timeout or cancellation (<see cref="ChildProcess"/> for tools whose input and output are streamed).
/// </summary>
internal static class ExternalTool
{
    /// <exception cref="TimeoutException">The tool ran longer than <paramref name="timeout"/> and was killed.</exception>
    /// <exception cref="InvalidOperationException">The tool is not installed.</exception>
    public static async Task<ToolResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, int maxOutputBytes,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        await using var process = ChildProcess.Start(fileName, arguments, environment);
        process.Input.Close();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            var (output, truncated) = await ReadCappedAsync(process.Output, maxOutputBytes, timer.Token);
            if (truncated)
            {
                process.Kill();
            }

            var (exitCode, error) = await process.WaitForExitAsync(timer.Token);
            return new ToolResult(exitCode, output, truncated, error);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{fileName}' ran longer than {timeout.TotalSeconds:0.#} s and was stopped.");
        }
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadCappedAsync(Stream stream, int cap, CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = cap - (int)kept.Length;
            kept.Write(buffer, 0, Math.Min(room, read));
            if (read > room)
            {
                return (kept.ToArray(), true);
            }
        }

        return (kept.ToArray(), false);
    }
}
