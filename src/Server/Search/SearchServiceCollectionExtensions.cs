using Atom.Server.Chat;
using Atom.Server.Files;
using Atom.Server.Jobs;
using Atom.Server.Search.Index;
using Atom.Server.Search.Indexing;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Search;

/// <summary>Registers search: the index, and the jobs that keep it in step with messages and files.</summary>
public static class SearchServiceCollectionExtensions
{
    /// <summary>Adds search. Needs storage, jobs and an <see cref="ISearchSources"/>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomSearch(this IServiceCollection services)
    {
        services.AddSingleton<ChunkStore>();
        services.AddSingleton(new TextChunker());
        services.AddSingleton<SearchIndexQueue>();
        services.AddSingleton<IMessageChangeObserver>(sp => sp.GetRequiredService<SearchIndexQueue>());
        services.AddSingleton<IFileChangeObserver>(sp => sp.GetRequiredService<SearchIndexQueue>());
        services.AddJobHandler<SearchIndexer>();
        return services;
    }
}
