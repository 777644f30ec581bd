namespace Atom.Server.Files.Scanning.Internal;

/// <summary>Checks <see cref="ScannerOptions"/>, naming each wrong key and why, so a mistake stops the server at start-up.</summary>
internal static class ScannerOptionsValidation
{
    // Each chunk is held in memory once per concurrent scan; beyond this a bigger chunk saves nothing measurable.
    internal const int MaxChunkSize = 16 * 1024 * 1024;

    // The most a CancellationTokenSource timer accepts; an infinite timeout would let a dead daemon hang a scan.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    public static List<string> Validate(ScannerOptions options)
    {
        var errors = new List<string>();
        var provider = Provider(options);
        if (provider is not (ScannerOptions.ClamAv or ScannerOptions.None))
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.Provider)} '{options.Provider}' is not supported; use {ScannerOptions.ClamAv} or {ScannerOptions.None}.");
        }

        if (provider == ScannerOptions.ClamAv)
        {
            errors.AddRange(ValidateClamAv(options, out _));
        }

        return errors;
    }

    /// <summary>The provider, in lower case; unset means the default.</summary>
    public static string Provider(ScannerOptions options) =>
        string.IsNullOrWhiteSpace(options.Provider) ? ScannerOptions.ClamAv : options.Provider.Trim().ToLowerInvariant();

    /// <summary>The checks that matter to clamd; the parsed address is null when none is configured or it is wrong.</summary>
    public static List<string> ValidateClamAv(ScannerOptions options, out ClamdAddress? address)
    {
        var errors = new List<string>();
        address = null;
        if (!string.IsNullOrWhiteSpace(options.Address) && !ClamdAddress.TryParse(options.Address.Trim(), out address, out var error))
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.Address)} '{options.Address}' is not a clamd address: {error}. " +
                       "Use unix:/absolute/path/clamd.sock or tcp://host:port.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.Timeout)} must be positive and at most {MaxTimeout}; got {options.Timeout}.");
        }

        if (options.ChunkSize is < 1 or > MaxChunkSize)
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.ChunkSize)} must be between 1 and {MaxChunkSize} bytes; got {options.ChunkSize}.");
        }

        if (options.MaxStreamBytes <= 0)
        {
            errors.Add($"{ScannerOptions.Section}:{nameof(ScannerOptions.MaxStreamBytes)} must be positive; got {options.MaxStreamBytes}.");
        }

        return errors;
    }
}
