using Atom.Server.Files.Api;
using Atom.Server.Files.Blobs;
using Atom.Server.Files.Pipeline;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Processing.Internal;
using Atom.Server.Files.Scanning;
using Atom.Server.Files.Scanning.Internal;
using Atom.Server.Files.Stores;
using Atom.Server.Files.Uploads;
using Atom.Server.Hosting;
using Atom.Server.Jobs;
using Atom.Server.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        ValidateLimits(configuration);
        services.Configure<FilesOptions>(configuration.GetSection(FilesOptions.Section));
        services.Configure<FileProcessingOptions>(configuration.GetSection(FileProcessingOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FileProcessingOptions>>().Value);
        services.AddAtomBlobs(configuration, dataDir, catalog);
        services.AddAtomScanning(configuration, catalog);
        services.AddSingleton<ContentTypeDetector>();
        services.AddSingleton<ArchiveInspector>();
        services.AddSingleton<ContentExtractor>();
        services.TryAddSingleton<IAudioTranscriber, NoAudioTranscriber>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<FileReaders>();
        services.AddSingleton<UploadStore>();
        services.AddSingleton<BlobReferences>();
        services.AddSingleton(sp => new UploadStaging(sp.GetRequiredService<IOptions<FilesOptions>>().Value.StagingDirectory ?? Path.Combine(dataDir, "uploads")));
        services.AddSingleton<UploadService>();
        services.AddSingleton<FileChanges>();
        services.AddJobHandler<FileProcessor>();
        services.AddSingleton<IFileChangeObserver, TranscriptQueue>();
        services.AddJobHandler<TranscriptProcessor>();
        services.AddHostedService<ExpiredUploadSweeper>();
        services.AddAtomService<FileApi>();
        return services;
    }

    /// <summary>
    /// A file the scanner will not take is stored, never scanned and so never served: refuse to start with a file limit
    /// (the server's or a tenant's) above the scanner's, rather than accept uploads that can never be used.
    /// </summary>
    private static void ValidateLimits(IConfiguration configuration)
    {
        var files = configuration.GetSection(FilesOptions.Section).Get<FilesOptions>() ?? new FilesOptions();
        var scanner = configuration.GetSection(ScannerOptions.Section).Get<ScannerOptions>() ?? new ScannerOptions();
        if (string.IsNullOrWhiteSpace(scanner.Address) || ScannerOptionsValidation.Provider(scanner) == ScannerOptions.None)
        {
            return;
        }

        var limits = files.Tenants
            .Where(t => t.Value.MaxFileBytes is not null)
            .Select(t => (Key: $"{FilesOptions.Section}:Tenants:{t.Key}:{nameof(TenantFilePolicy.MaxFileBytes)}", Bytes: t.Value.MaxFileBytes!.Value))
            .Prepend((Key: $"{FilesOptions.Section}:{nameof(FilesOptions.MaxFileBytes)}", Bytes: files.MaxFileBytes));
        var errors = limits
            .Where(limit => limit.Bytes > scanner.MaxStreamBytes)
            .Select(limit => $"{limit.Key} ({limit.Bytes} bytes) is more than {ScannerOptions.Section}:{nameof(ScannerOptions.MaxStreamBytes)} " +
                             $"({scanner.MaxStreamBytes} bytes): files in between could never be scanned, so never served. " +
                             "Raise the scanner's limit (and clamd's StreamMaxLength) or lower the file limit.")
            .ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(FilesOptions.Section, typeof(FilesOptions), errors);
        }
    }
}
