using System.Collections.Concurrent;
using Atom.V1;
using Atom.Google.Rpc;

namespace Atom.Sdk;

/// <summary>
/// Builds the google.rpc details Atom attaches to errors, and reads them back. The reason strings are
/// the <see cref="ErrorReason"/> names without their prefix, e.g. <c>FIELD_INVALID</c>.
/// </summary>
public static class AtomErrors
{
    /// <summary>The ErrorInfo domain of errors raised by Atom.</summary>
    public const string Domain = "atom.v1";

    private static readonly ConcurrentDictionary<ErrorReason, string> ReasonNames = new();

    /// <summary>Gets the ErrorInfo reason string of a reason, e.g. <c>FIELD_INVALID</c>.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The upper-snake reason.</returns>
    public static string ReasonName(ErrorReason reason) => ReasonNames.GetOrAdd(reason, static r =>
    {
        var name = CommonReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)r)?.Name ?? r.ToString();
        return name.StartsWith("ERROR_REASON_", StringComparison.Ordinal) ? name["ERROR_REASON_".Length..] : name;
    });

    /// <summary>Creates an ErrorInfo for a reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="metadata">Key/value pairs that help a client act on the error.</param>
    /// <returns>The ErrorInfo.</returns>
    public static ErrorInfo Info(ErrorReason reason, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = ReasonName(reason), Domain = Domain };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }

        return info;
    }

    /// <summary>Creates an exception with a status code, a message and an ErrorInfo.</summary>
    /// <param name="code">The status code.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="message">The message, for people.</param>
    /// <returns>The exception, to throw.</returns>
    public static RpcException Exception(StatusCode code, ErrorReason reason, string message) =>
        new(code, message, Info(reason));

    /// <summary>Creates an INVALID_ARGUMENT exception naming the offending field.</summary>
    /// <param name="field">The field path, e.g. <c>room.name</c>.</param>
    /// <param name="description">Why the value is invalid.</param>
    /// <returns>The exception, to throw.</returns>
    public static RpcException InvalidField(string field, string description) =>
        new(StatusCode.InvalidArgument, $"{field}: {description}",
            Info(ErrorReason.FieldInvalid, ("field", field)),
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } } });
}
