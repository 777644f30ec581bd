namespace Atom.Benchmarks.Shared;

/// <summary>The result of one load-tool run, as the tools write and judge it.</summary>
public interface IRunResult
{
    /// <summary>Gets whether every call was answered correctly and every check held.</summary>
    bool Succeeded { get; }

    /// <summary>Serializes to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    string ToJson();

    /// <summary>Formats the result for a terminal.</summary>
    /// <returns>The text.</returns>
    string ToText();
}

/// <summary>How a load tool runs one command and turns it into an exit code.</summary>
public static class ToolRun
{
    /// <summary>
    /// Runs a command and writes its result: exit 0 when every check held, 1 when one did not or set-up failed (a call
    /// answered with an error), 2 for an unknown command or bad arguments.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="command">The command's name, for messages.</param>
    /// <param name="target">The server, for messages.</param>
    /// <param name="run">Runs it; null for an unknown command.</param>
    /// <param name="outFile">A file to also write the JSON to, or null.</param>
    /// <param name="asJson">Whether the terminal gets JSON rather than text.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> ExitCodeAsync<T>(string command, Uri target, Func<Task<T>?> run, string? outFile, bool asJson)
        where T : class, IRunResult
    {
        ArgumentNullException.ThrowIfNull(run);
        T result;
        try
        {
            if (run() is not { } running)
            {
                await Console.Error.WriteLineAsync($"error: unknown command '{command}'");
                return 2;
            }

            result = await running;
        }
        catch (Atom.Sdk.RpcException ex)
        {
            // Set-up (or a check's own call) failed: no figures, and not a pass.
            await Console.Error.WriteLineAsync($"error: {command} against {target}: {ex.StatusCode}: {ex.Status.Detail}");
            return 1;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }

        await ReportFiles.WriteResultAsync(outFile, asJson, result.ToJson(), result.ToText());
        return result.Succeeded ? 0 : 1;
    }
}
