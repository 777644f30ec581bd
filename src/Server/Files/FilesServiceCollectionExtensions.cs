using Atom.Server.Files.Api;
using Atom.Server.Files.Blobs;
using Atom.Server.Files.Pipeline;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Scanning;
using Atom.Server.Files.Stores;
using Atom.Server.Files.Uploads;
using Atom.Server.Hosting;
using Atom.Server.Jobs;
using Atom.Server.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Files;

/// <summary>Registers files: uploads, storage, processing and the FileService API.</summary>
public static class FilesServiceCollectionExtensions
{
    /// <summary>Adds files. Needs storage, identity, jobs and an <see cref="IRoomAccess"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (<c>Atom:Files</c>, <c>Atom:Blobs</c>, <c>Atom:Scanner</c>).</param>
    /// <param name="catalog">The component catalog, to report the blob store and the scanner.</param>
    /// <param name="dataDir">The data directory: default home of blobs and staged uploads.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomFiles(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog, string dataDir)
    {
        services.Configure<FilesOptions>(configuration.GetSection(FilesOptions.Section));
        services.Configure<FileProcessingOptions>(configuration.GetSection(FileProcessingOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FileProcessingOptions>>().Value);
        services.AddAtomBlobs(configuration, dataDir, catalog);
        services.AddAtomScanning(configuration, catalog);
        services.AddSingleton<ContentTypeDetector>();
        services.AddSingleton<ArchiveInspector>();
        services.AddSingleton<ContentExtractor>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<UploadStore>();
        services.AddSingleton<BlobReferences>();
        services.AddSingleton(sp => new UploadStaging(sp.GetRequiredService<IOptions<FilesOptions>>().Value.StagingDirectory ?? Path.Combine(dataDir, "uploads")));
        services.AddSingleton<UploadService>();
        services.AddSingleton<FileChanges>();
        services.AddJobHandler<FileProcessor>();
        services.AddHostedService<ExpiredUploadSweeper>();
        services.AddAtomService<FileApi>();
        return services;
    }
}
