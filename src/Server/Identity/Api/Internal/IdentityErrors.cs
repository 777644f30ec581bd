using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Identity.Api.Internal;

/// <summary>The errors of the identity API that are more than a bad field: each with its precise ErrorInfo reason.</summary>
internal static class IdentityErrors
{
    public static RpcException Unauthenticated(ErrorReason reason, string message) =>
        new(StatusCode.Unauthenticated, message, AtomErrors.Info(reason));

    public static RpcException Locked(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new RpcException(StatusCode.ResourceExhausted, $"Too many failed attempts: try again in {seconds} s.",
            AtomErrors.Info(ErrorReason.AccountLocked, ("retry_after_seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds)) });
    }

    public static RpcException Disabled(string message) =>
        new(StatusCode.PermissionDenied, message, AtomErrors.Info(ErrorReason.AccountDisabled));

    public static RpcException FailedPrecondition(string message) =>
        new(StatusCode.FailedPrecondition, message, AtomErrors.Info(ErrorReason.FailedPrecondition));

    public static RpcException Denied(string message) =>
        new(StatusCode.PermissionDenied, message, AtomErrors.Info(ErrorReason.PermissionDenied));

    /// <summary>A wrong TOTP or recovery code sent to an authenticated call: a field error with its own reason.</summary>
    public static RpcException WrongCode(string field) =>
        new(StatusCode.InvalidArgument, $"{field}: is wrong, expired or already used.",
            AtomErrors.Info(ErrorReason.MfaCodeInvalid, ("field", field)),
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = "is wrong, expired or already used." } } });
}
