using Atom.Server.Files.Scanning;

namespace Atom.Server.Tests.Files.Scanning;

/// <summary>With no scanner, nothing is ever called clean.</summary>
public sealed class DisabledScannerTests
{
    [Fact]
    public async Task Every_scan_fails_as_not_configured_and_the_scanner_never_answers()
    {
        var scanner = new DisabledScanner();

        var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(new MemoryStream("x"u8.ToArray()), CancellationToken.None));

        Assert.Equal(ScanFailure.NotConfigured, error.Failure);
        Assert.Equal("no scanner configured", error.Message);
        Assert.False(await scanner.PingAsync(CancellationToken.None));
        Assert.Null(await scanner.VersionAsync(CancellationToken.None));
    }
}
