namespace Atom.Sdk;

/// <summary>The outcome of a call: a code and a human-readable detail.</summary>
/// <param name="StatusCode">The gRPC status code.</param>
/// <param name="Detail">The message, for people; clients branch on codes and ErrorInfo reasons, never on this text.</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static readonly Status DefaultSuccess = new(StatusCode.OK, string.Empty);

    /// <summary>The status of a call cancelled by its caller.</summary>
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, "Call cancelled");

    /// <summary>The status of a call disposed before it finished.</summary>
    internal static readonly Status Disposed = new(StatusCode.Cancelled, "The call was disposed before it finished.");

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
