using Atom.Cli.Calls;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>
/// Reports a failed voice call: the status and its details as <see cref="ErrorReport"/> prints them (the field of an
/// INVALID_ARGUMENT included), then, for people, what to do about the speech engine's own reasons.
/// </summary>
internal static class VoiceErrors
{
    /// <summary>Runs a voice command's body, reporting a failed call.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="body">The body.</param>
    /// <returns>The body's exit code, or the failed call's (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (RpcException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            var code = ErrorReport.Print(context, e);
            if (context.Settings.Output == OutputFormat.Table && Hint(e) is { } hint)
            {
                await context.Error.WriteLineAsync("hint: " + hint).ConfigureAwait(false);
            }

            return code;
        }
    }

    /// <summary>Gets what to do about a voice error, when there is something to say.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The hint, or null.</returns>
    internal static string? Hint(RpcException error) =>
        error.HasReason(ErrorReason.EngineBusy) ? "every speech engine of the server is in use: try again in a moment."
        : error.HasReason(ErrorReason.EngineUnavailable) ? "the server's speech engine is not running: its administrator can see why in the server's log."
        : error.HasReason(ErrorReason.AudioUnreadable) ? "the server could not decode the audio: check that it plays, or convert it to WAV (e.g. ffmpeg -i IN -ar 16000 -ac 1 out.wav)."
        : error.HasReason(ErrorReason.AudioTooLong) ? "split the audio into shorter parts."
        : error.StatusCode == StatusCode.Unimplemented ? "this server does not offer speech (VoiceService)."
        : null;
}
