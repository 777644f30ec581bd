using Atom.Server.Files.Blobs.Internal;
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
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomBlobs(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        var options = configuration.GetSection(BlobOptions.Section).Get<BlobOptions>() ?? new BlobOptions();
        var create = Factory(options, dataDir);
        services.AddSingleton(_ => create());
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
