namespace Atom.Server.Files.Scanning;

/// <summary>
/// A scan ended without a verdict. The content is neither clean nor infected: a file in this state stays "pending scan"
/// and is not served.
/// </summary>
public sealed class ScannerUnavailableException : Exception
{
    /// <summary>Initializes a new instance for an unreachable scanner.</summary>
    public ScannerUnavailableException()
        : this(ScanFailure.Unreachable, "The virus scanner is unavailable.")
    {
    }

    /// <summary>Initializes a new instance for an unreachable scanner.</summary>
    /// <param name="message">The message.</param>
    public ScannerUnavailableException(string message)
        : this(ScanFailure.Unreachable, message)
    {
    }

    /// <summary>Initializes a new instance for an unreachable scanner.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ScannerUnavailableException(string message, Exception? innerException)
        : this(ScanFailure.Unreachable, message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="failure">Why there is no verdict.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ScannerUnavailableException(ScanFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Gets why there is no verdict; <see cref="ScanFailure.TooLarge"/> is the one that retrying cannot change.</summary>
    public ScanFailure Failure { get; }
}
