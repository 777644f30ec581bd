namespace Atom.Server.Files.Scanning;

/// <summary>
/// The scanner when none is configured (<c>Atom:Scanner:Provider=none</c>, or no address): every scan fails with
/// <see cref="ScanFailure.NotConfigured"/>, so no file is ever served unscanned.
/// </summary>
public sealed class DisabledScanner : IVirusScanner
{
    private readonly string reason;

    /// <summary>Initializes a new instance.</summary>
    public DisabledScanner()
        : this("no scanner configured")
    {
    }

    internal DisabledScanner(string reason) => this.reason = reason;

    /// <inheritdoc />
    public Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken) =>
        Task.FromException<ScanVerdict>(new ScannerUnavailableException(ScanFailure.NotConfigured, reason));

    /// <inheritdoc />
    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(false);

    /// <inheritdoc />
    public Task<string?> VersionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
