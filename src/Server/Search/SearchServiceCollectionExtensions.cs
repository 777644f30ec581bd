using Atom.Server.Chat;
using Atom.Server.Files;
using Atom.Server.Jobs;
using Atom.Server.Rpc;
using Atom.Server.Search.Api;
using Atom.Server.Search.History;
using Atom.Server.Search.Index;
using Atom.Server.Search.Indexing;
using Atom.Server.Search.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Search;

/// <summary>Registers search: the index, the jobs that keep it in step with messages and files, and SearchService.</summary>
public static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// Adds search. Needs storage, jobs, embeddings, a vector store, an <see cref="ISearchSources"/> and an
    /// <see cref="ISearchAccess"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration; <c>Atom:Search</c> is read.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SearchOptions>(configuration.GetSection(SearchOptions.Section));
        services.AddSingleton<ChunkStore>();
        services.AddSingleton<SearchVectorIndex>();
        services.AddSingleton(new TextChunker());
        services.AddSingleton(sp => new SynonymTable(sp.GetRequiredService<IOptions<SearchOptions>>().Value.Synonyms));
        services.AddSingleton<SearchIndexChanges>();
        services.AddSingleton<SearchIndexQueue>();
        services.AddSingleton<IMessageChangeObserver>(sp => sp.GetRequiredService<SearchIndexQueue>());
        services.AddSingleton<IFileChangeObserver>(sp => sp.GetRequiredService<SearchIndexQueue>());
        services.AddJobHandler<SearchIndexer>();
        services.AddSingleton<VectorIndexRebuild>();
        services.AddHostedService(sp => sp.GetRequiredService<VectorIndexRebuild>());
        services.AddSingleton<SearchEngine>();
        services.AddSingleton<SearchHistoryStore>();
        services.AddAtomService<SearchApi>();
        return services;
    }
}
