using Atom.Server.Hosting;
using Atom.Server.Storage.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Storage;

/// <summary>Registers the relational store and its start-up migrations.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the store chosen by <c>Atom:Storage</c>; migrations run before the server listens.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the provider.</param>
    /// <param name="dataDir">The data directory.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomStorage(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog, string dataDir)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var database = AtomDatabase.Create(options, dataDir);
        services.AddSingleton(database);
        services.AddSingleton<MigrationRunner>();
        services.AddHostedService<MigrationHostedService>();
        catalog.Add(new ComponentInfo("storage", database.Dialect.Name, true, database.Location));
        return services;
    }

    /// <summary>Runs the migrations at start-up. Hosted services start before Kestrel listens, so no call sees an old schema.</summary>
    private sealed class MigrationHostedService(MigrationRunner runner) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => runner.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
