using Atom.Server.Files.Scanning;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Files.Scanning;

/// <summary>Choosing the scanner from <c>Atom:Scanner</c>: clamd where an address is given, no serving without one, and settings that cannot work stop start-up.</summary>
public sealed class ScanningServiceCollectionExtensionsTests
{
    [Fact]
    public async Task A_clamd_address_gives_a_scanner_that_scans()
    {
        var scanner = Resolve(("Address", ClamdServer.UnixAddress), ("Timeout", "00:00:10"), ("ChunkSize", "4096"));

        var verdict = await scanner.ScanAsync(new MemoryStream(ClamdServer.EicarTestString()), CancellationToken.None);

        Assert.IsType<ClamAvScanner>(scanner);
        Assert.Equal(ClamdServer.EicarSignature, verdict.Signature);
    }

    [Theory]
    [InlineData("none", null, "Atom:Scanner:Provider=none")]
    [InlineData("NONE", "tcp://127.0.0.1:3310", "Atom:Scanner:Provider=none")]
    [InlineData(null, null, "Atom:Scanner:Address is not set")]
    [InlineData("clamav", "", "Atom:Scanner:Address is not set")]
    public async Task Without_a_scanner_every_scan_fails_as_not_configured(string? provider, string? address, string reason)
    {
        var scanner = Resolve(("Provider", provider), ("Address", address));

        var error = await Assert.ThrowsAsync<ScannerUnavailableException>(() => scanner.ScanAsync(new MemoryStream("x"u8.ToArray()), CancellationToken.None));

        Assert.IsType<DisabledScanner>(scanner);
        Assert.Equal(ScanFailure.NotConfigured, error.Failure);
        Assert.Contains("no scanner configured", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clamd.sock", "must start with 'unix:' or 'tcp://'")]
    [InlineData("http://127.0.0.1:3310", "must start with 'unix:' or 'tcp://'")]
    [InlineData("unix:run/clamd.sock", "must be absolute")]
    [InlineData("unix:", "must be absolute")]
    [InlineData("tcp://127.0.0.1", "no port")]
    [InlineData("tcp://127.0.0.1:", "no port")]
    [InlineData("tcp://127.0.0.1:99999", "port from 1 to 65535")]
    [InlineData("tcp://:3310", "tcp://host:port")]
    [InlineData("tcp://127.0.0.1:3310/scan", "only host and port")]
    [InlineData("tcp://user@127.0.0.1:3310", "only host and port")]
    public void A_wrong_address_fails_at_start_up_naming_the_key_the_value_and_why(string address, string why)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Address", address)));

        Assert.Contains($"Atom:Scanner:Address '{address}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unix_socket_path_too_long_for_the_kernel_fails_at_start_up()
    {
        var address = "unix:/" + new string('d', 120) + "/clamd.sock";

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Address", address)));

        Assert.Contains("Atom:Scanner:Address", error.Message, StringComparison.Ordinal);
        Assert.Contains("107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:/run/clamav/clamd.ctl")]
    [InlineData("tcp://127.0.0.1:3310")]
    [InlineData("tcp://localhost:3310")]
    [InlineData("tcp://[::1]:3310")]
    [InlineData("TCP://clamd.internal:3310/")]
    public void Well_formed_addresses_give_a_clamd_scanner_without_connecting(string address)
    {
        Assert.IsType<ClamAvScanner>(Resolve(("Address", address)));
    }

    [Theory]
    [InlineData("Provider", "sophos", "Atom:Scanner:Provider 'sophos' is not supported; use clamav or none")]
    [InlineData("Timeout", "00:00:00", "Atom:Scanner:Timeout must be positive")]
    [InlineData("Timeout", "-00:00:01", "Atom:Scanner:Timeout must be positive")]
    [InlineData("ChunkSize", "0", "Atom:Scanner:ChunkSize must be between 1 and")]
    [InlineData("ChunkSize", "100000000", "Atom:Scanner:ChunkSize must be between 1 and")]
    [InlineData("MaxStreamBytes", "0", "Atom:Scanner:MaxStreamBytes must be positive")]
    public void Other_settings_that_cannot_work_fail_at_start_up_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Address", "tcp://127.0.0.1:3310"), (key, value)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructed_directly_without_an_address_the_clamd_scanner_says_what_is_missing()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ClamAvScanner(Options.Create(new ScannerOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<ClamAvScanner>.Instance));

        Assert.Contains("Atom:Scanner:Address is not set", error.Message, StringComparison.Ordinal);
    }

    private static IVirusScanner Resolve(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{ScannerOptions.Section}:{s.Key}", s.Value)))
            .Build();
        var services = new ServiceCollection().AddLogging().AddAtomScanning(configuration);
        return services.BuildServiceProvider().GetRequiredService<IVirusScanner>();
    }
}
