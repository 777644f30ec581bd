namespace Atom.Sdk;

/// <summary>Per-call settings: deadline, headers, credentials, cancellation and compression.</summary>
public sealed class CallOptions
{
    /// <summary>Gets the headers sent with the call.</summary>
    public Metadata? Headers { get; init; }

    /// <summary>Gets the deadline (UTC); the call fails with DEADLINE_EXCEEDED after it, on both sides.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Gets a token that cancels the call; the server sees the cancellation too.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Gets credentials for this call, applied after the channel's.</summary>
    public CallCredentials? Credentials { get; init; }

    /// <summary>Gets the compression for request messages: null (none) or "gzip".</summary>
    public string? RequestCompression { get; init; }

    /// <summary>Gets a value indicating whether a failed idempotent unary call may be retried (default: the channel's policy).</summary>
    public bool? AllowRetries { get; init; }
}
