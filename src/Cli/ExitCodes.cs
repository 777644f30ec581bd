using Atom.Sdk;

namespace Atom.Cli;

/// <summary>
/// The exit codes of <c>atom</c>, stable for scripts:
/// 0 success; 1 the server answered with an error status; 2 usage error (bad arguments, unknown method,
/// invalid request JSON); 3 the server could not be reached (UNAVAILABLE); 4 the deadline passed
/// (DEADLINE_EXCEEDED); 5 a file was uploaded but is not ready to use (quarantined, rejected, unreadable, failed, or
/// waiting for the virus scanner); 130 interrupted by Ctrl+C.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RpcError = 1;
    public const int Usage = 2;
    public const int Unavailable = 3;
    public const int DeadlineExceeded = 4;

    /// <summary>
    /// <c>atom upload</c> stored a file, but processing did not make it ready: quarantined, rejected, unreadable,
    /// failed, or still waiting for the virus scanner. Not an error of the call, so not 1: a script can tell "the
    /// server refused the upload" from "the file arrived and is not usable".
    /// </summary>
    public const int NotReady = 5;
    public const int Interrupted = 130;

    /// <summary>Maps a final status code to the exit code.</summary>
    /// <param name="code">The status code.</param>
    /// <returns>The exit code.</returns>
    public static int For(StatusCode code) => code switch
    {
        StatusCode.OK => Success,
        StatusCode.Unavailable => Unavailable,
        StatusCode.DeadlineExceeded => DeadlineExceeded,
        _ => RpcError,
    };
}
