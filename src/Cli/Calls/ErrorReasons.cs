using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Calls;

/// <summary>Reads the reason of an Atom error, as clients should branch: on ErrorInfo, never on message text.</summary>
internal static class ErrorReasons
{
    /// <summary>Gets whether an error carries an Atom ErrorInfo with a reason.</summary>
    /// <param name="error">The error.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>True when it does.</returns>
    public static bool HasReason(this RpcException error, ErrorReason reason) =>
        error.GetDetail<ErrorInfo>() is { Domain: AtomErrors.Domain } info && info.Reason == AtomErrors.ReasonName(reason);

    /// <summary>Gets a value the error's Atom ErrorInfo carries, e.g. <c>resend_offset</c>.</summary>
    /// <param name="error">The error.</param>
    /// <param name="key">The metadata key.</param>
    /// <returns>The value, or null when there is none.</returns>
    public static string? InfoValue(this RpcException error, string key) =>
        error.GetDetail<ErrorInfo>() is { Domain: AtomErrors.Domain } info && info.Metadata.TryGetValue(key, out var value) ? value : null;
}
