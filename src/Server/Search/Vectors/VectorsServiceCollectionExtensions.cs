using Atom.Server.Hosting;
using Atom.Server.Search.Vectors.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Atom.Server.Search.Vectors;

/// <summary>Registers the <see cref="IVectorStore"/> that <c>Atom:Vectors</c> chooses.</summary>
public static class VectorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the vector store as a singleton <see cref="IVectorStore"/>: an <see cref="InProcessVectorStore"/> (the default,
    /// also registered as itself, with a hosted service for its snapshots and compactions) or a
    /// <see cref="QdrantVectorStore"/>. Settings that cannot work fail here, at start-up, naming the key and why.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the store in GetServerInfo.</param>
    /// <param name="dataDir">The data directory; the in-process store's default directory is <c>&lt;dataDir&gt;/vectors</c>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Vectors</c> cannot work.</exception>
    public static IServiceCollection AddAtomVectors(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = configuration.GetSection(VectorStoreOptions.Section).Get<VectorStoreOptions>() ?? new VectorStoreOptions();
        var errors = VectorStoreOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(VectorStoreOptions.Section, typeof(VectorStoreOptions), errors);
        }

        if (VectorStoreOptionsValidation.Provider(options) == VectorStoreOptions.QdrantProvider)
        {
            services.AddSingleton<IVectorStore>(_ => new QdrantVectorStore(options.Qdrant));

            // Where, never with what key.
            var prefix = options.Qdrant.CollectionPrefix.Length > 0 ? $", collections prefixed {options.Qdrant.CollectionPrefix}" : string.Empty;
            catalog.Add(new ComponentInfo("vectors", VectorStoreOptions.QdrantProvider, true, $"{options.Qdrant.Url}{prefix}"));
            return services;
        }

        var directory = Path.GetFullPath(options.Directory ?? Path.Combine(dataDir, "vectors"));
        services.AddSingleton(sp => new InProcessVectorStore(
            directory, options, sp.GetService<ILogger<InProcessVectorStore>>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IVectorStore>(sp => sp.GetRequiredService<InProcessVectorStore>());
        services.AddHostedService(sp => new VectorStoreMaintenance(
            sp.GetRequiredService<InProcessVectorStore>(),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<VectorStoreMaintenance>>() ?? NullLogger<VectorStoreMaintenance>.Instance));
        var hnsw = options.Hnsw;
        catalog.Add(new ComponentInfo(
            "vectors",
            VectorStoreOptions.InProcessProvider,
            true,
            $"{directory} (exact search below {hnsw.Threshold} points per collection, HNSW M={hnsw.M} ef={hnsw.EfSearch} above)"));
        return services;
    }
}
