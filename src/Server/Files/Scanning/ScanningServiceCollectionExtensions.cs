using Atom.Server.Files.Scanning.Internal;
using Atom.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Files.Scanning;

/// <summary>Registers the <see cref="IVirusScanner"/> that <c>Atom:Scanner</c> chooses.</summary>
public static class ScanningServiceCollectionExtensions
{
    /// <summary>
    /// Adds the scanner: <see cref="ClamAvScanner"/> for <c>Atom:Scanner:Provider=clamav</c> (the default) with an
    /// <c>Atom:Scanner:Address</c>, otherwise a <see cref="DisabledScanner"/> under which no file is ever served.
    /// Options that cannot work fail here, at start-up, naming the key and why.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the scanner (or its absence) in GetServerInfo; null for none.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Scanner</c> cannot work.</exception>
    public static IServiceCollection AddAtomScanning(this IServiceCollection services, IConfiguration configuration, ComponentCatalog? catalog = null)
    {
        var section = configuration.GetSection(ScannerOptions.Section);
        var options = section.Get<ScannerOptions>() ?? new ScannerOptions();
        var errors = ScannerOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(ScannerOptions.Section, typeof(ScannerOptions), errors);
        }

        services.Configure<ScannerOptions>(section);
        string? disabled = null;
        if (ScannerOptionsValidation.Provider(options) == ScannerOptions.None)
        {
            disabled = $"no scanner configured ({ScannerOptions.Section}:{nameof(ScannerOptions.Provider)}={ScannerOptions.None})";
        }
        else if (string.IsNullOrWhiteSpace(options.Address))
        {
            disabled = $"no scanner configured ({ScannerOptions.Section}:{nameof(ScannerOptions.Address)} is not set)";
        }

        if (disabled is null)
        {
            services.AddSingleton<IVirusScanner, ClamAvScanner>();
            catalog?.Add(new ComponentInfo("scanner", ScannerOptions.ClamAv, true, options.Address!));
        }
        else
        {
            services.AddSingleton<IVirusScanner>(new DisabledScanner(disabled));
            catalog?.Add(new ComponentInfo("scanner", ScannerOptions.None, false, disabled + ": uploaded files wait in PENDING_SCAN and are never served"));
        }

        return services;
    }
}
