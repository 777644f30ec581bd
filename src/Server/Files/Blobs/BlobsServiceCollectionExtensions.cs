using Atom.Server.Files.Blobs.Internal;
using Atom.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Files.Blobs;

/// <summary>Registers the blob store chosen by configuration.</summary>
public static class BlobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="IBlobStore"/> chosen by <c>Atom:Blobs</c> as a singleton. The settings are checked here, so a bad
    /// configuration stops the server at start-up with a message naming the setting; the store itself is created on first use.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="dataDir">The data directory; the default blob directory is <c>&lt;dataDir&gt;/blobs</c>.</param>
    /// <param name="catalog">The component catalog, to report where blobs live in GetServerInfo; null for none.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomBlobs(this IServiceCollection services, IConfiguration configuration, string dataDir, ComponentCatalog? catalog = null)
    {
        var options = configuration.GetSection(BlobOptions.Section).Get<BlobOptions>() ?? new BlobOptions();
        var create = Factory(options, dataDir);
        services.AddSingleton(_ => create());

        // Where, never with what credentials.
        catalog?.Add(options.Provider.Equals("s3", StringComparison.OrdinalIgnoreCase)
            ? new ComponentInfo("blobs", "s3", true, $"{options.S3.ServiceUrl ?? "aws"} bucket {options.S3.Bucket}{(options.S3.Prefix.Length > 0 ? " prefix " + options.S3.Prefix : string.Empty)}")
            : new ComponentInfo("blobs", "local", true, Path.GetFullPath(options.Directory ?? Path.Combine(dataDir, "blobs"))));
        return services;
    }

    /// <summary>Checks the settings now and returns what creates the store they describe.</summary>
    internal static Func<IBlobStore> Factory(BlobOptions options, string dataDir)
    {
        var directory = Path.GetFullPath(options.Directory ?? Path.Combine(dataDir, "blobs"));
        switch (options.Provider.ToLowerInvariant())
        {
            case "local":
                return () => new LocalBlobStore(directory);
            case "s3":
                BlobOptionsValidation.ValidateS3(options.S3);
                return () => new S3BlobStore(options.S3, Path.Combine(directory, ".tmp"));
            default:
                throw new InvalidOperationException($"{BlobOptions.Section}:Provider '{options.Provider}' is not supported; use local or s3.");
        }
    }
}
