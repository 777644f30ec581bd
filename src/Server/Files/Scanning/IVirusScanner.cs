namespace Atom.Server.Files.Scanning;

/// <summary>Scans file content for viruses.</summary>
public interface IVirusScanner
{
    /// <summary>Scans content read from its current position to its end.</summary>
    /// <param name="content">The content; it is read, not disposed.</param>
    /// <param name="cancellationToken">Cancels the scan; then an <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ScannerUnavailableException">
    /// The scanner cannot be reached or gives no verdict (the caller keeps the file in "pending scan");
    /// <see cref="ScannerUnavailableException.Failure"/> says why.
    /// </exception>
    Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken);

    /// <summary>Whether the scanner answers now (for health checks and the pending-scan retry loop).</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>True if the scanner answered PING.</returns>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>The engine's version string (clamd's VERSION: engine, and signature database where it has one).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version, or null when the scanner is unreachable.</returns>
    Task<string?> VersionAsync(CancellationToken cancellationToken);
}
