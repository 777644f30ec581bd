namespace Atom.Server.Files.Scanning;

/// <summary>Why a scan gave no verdict.</summary>
public enum ScanFailure
{
    /// <summary>The scanner could not be reached (nothing listening, connection refused or broken). Retrying later may succeed.</summary>
    Unreachable,

    /// <summary>The scanner did not answer within <see cref="ScannerOptions.Timeout"/>. Retrying later may succeed.</summary>
    TimedOut,

    /// <summary>The scanner answered with an error or something that is not a verdict. Retrying later may succeed.</summary>
    NoVerdict,

    /// <summary>
    /// The content is larger than <see cref="ScannerOptions.MaxStreamBytes"/> or clamd's <c>StreamMaxLength</c>.
    /// Retrying gives the same answer: the file stays unscanned, so it is never served.
    /// </summary>
    TooLarge,

    /// <summary>No scanner is configured (<c>Atom:Scanner:Provider=none</c>, or no address). Nothing is served until one is.</summary>
    NotConfigured,
}
