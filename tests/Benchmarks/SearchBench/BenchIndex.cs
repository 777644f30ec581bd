using Atom.Server.Hosting;
using Atom.Server.Jobs;
using Atom.Server.Search;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Index;
using Atom.Server.Search.Indexing;
using Atom.Server.Search.Vectors;
using Atom.Server.Storage;
using Dapper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atom.Benchmarks.SearchBench;

/// <summary>
/// Search as the server composes it, in this process: the store (SQLite in a temporary data directory, migrated), the
/// embeddings, the in-process vector store with its server defaults, the search registrations (<c>AddAtomSearch</c>), and
/// the server's own indexer, fed the corpus as files of one room of one tenant. Searches go through <see cref="SearchEngine"/>.
/// </summary>
public sealed class BenchIndex : IAsyncDisposable
{
    /// <summary>The tenant everything is indexed in.</summary>
    public const string Tenant = "bench";

    /// <summary>The room every document is a file of.</summary>
    public const string Room = "man";

    /// <summary>The vector collection of the chunks (GloVe: 100 dimensions).</summary>
    public static readonly string Collection = SearchVectorIndex.CollectionFor(100);

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly CorpusSources _sources = new();
    private readonly SearchIndexer _indexer;
    private readonly AtomDatabase _database;
    private int _indexed;

    private BenchIndex(ServiceProvider services)
    {
        _services = services;
        _database = services.GetRequiredService<AtomDatabase>();
        Chunks = services.GetRequiredService<ChunkStore>();
        Chunker = services.GetRequiredService<TextChunker>();
        Vectors = services.GetRequiredService<InProcessVectorStore>();
        VectorIndex = services.GetRequiredService<SearchVectorIndex>();
        Engine = services.GetRequiredService<SearchEngine>();
        Embeddings = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        _indexer = ActivatorUtilities.CreateInstance<SearchIndexer>(services, _sources);
    }

    /// <summary>Gets the filter every search runs with: the one room.</summary>
    public static ChunkFilter Filter { get; } = new(Tenant, [SearchSource.RoomScope(Room)]);

    /// <summary>Gets the keyword index.</summary>
    public ChunkStore Chunks { get; }

    /// <summary>Gets the chunker the indexer cuts documents with.</summary>
    public TextChunker Chunker { get; }

    /// <summary>Gets the vector store.</summary>
    public InProcessVectorStore Vectors { get; }

    /// <summary>Gets the chunks' vectors in the store, as search asks them.</summary>
    public SearchVectorIndex VectorIndex { get; }

    /// <summary>Gets the search engine.</summary>
    public SearchEngine Engine { get; }

    /// <summary>Gets the embeddings.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Embeddings { get; }

    /// <summary>Opens a fresh index in <paramref name="dataDir"/>.</summary>
    /// <param name="dataDir">An empty directory for the database and the vectors.</param>
    /// <param name="glovePath">The word-vector file; null or missing: keywords only.</param>
    /// <returns>The index.</returns>
    public static async Task<BenchIndex> OpenAsync(string dataDir, string? glovePath)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Atom:Storage:Provider"] = "sqlite",
            ["Atom:Embeddings:Glove:Path"] = glovePath ?? Path.Combine(dataDir, "no-word-vectors.bin"),
        }).AddEnvironmentVariables().Build();
        var catalog = new ComponentCatalog();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(catalog)
            .AddAtomStorage(configuration, catalog, dataDir)
            .AddAtomEmbeddings(configuration, catalog, dataDir)
            .AddAtomVectors(configuration, catalog, dataDir)
            .AddAtomSearch(configuration)
            .BuildServiceProvider();
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await services.GetRequiredService<AtomDatabase>().AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES (@Tenant, @Tenant, @Tenant, 'Search benchmark', 0)", new { Tenant }, t));
        // Until its first check is done the engine cannot know the vector index is whole, and answers by keywords.
        var rebuild = services.GetRequiredService<VectorIndexRebuild>();
        while (rebuild.Progress is not null)
        {
            await Task.Delay(10);
        }

        return new BenchIndex(services);
    }

    /// <summary>Gets whether documents are embedded: false when the word vectors are missing.</summary>
    /// <returns>Whether semantic search can run.</returns>
    public async Task<bool> HasEmbeddingsAsync()
    {
        try
        {
            var probe = await Embeddings.GenerateAsync(["directory"]);
            return !probe[0].IsZero();
        }
        catch (EmbeddingsUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Indexes one document as the server indexes a file: the indexer's job (chunks, embeddings, store, vectors).</summary>
    /// <param name="id">Its source id.</param>
    /// <param name="document">The document.</param>
    /// <returns>A task.</returns>
    public async Task AddAsync(string id, CorpusDocument document)
    {
        var at = Epoch.AddSeconds(_indexed++);
        _sources.Files[id] = new SearchSource(SourceKind.File, id, SearchSource.RoomScope(Room), Room, "bench", document.Title, document.Text,
            "document", "text/troff", "man page", 0, at);
        var job = new JobRecord("job-" + id, Tenant, SearchIndexQueue.JobKind, SearchIndexQueue.FileSubject(id), string.Empty, JobState.Running, 1, 5, at, null, at, at, null);
        await _indexer.HandleAsync(new JobLease(job, "bench", at.AddMinutes(5)) { LeaseId = "bench" }, CancellationToken.None);
        _sources.Files.Remove(id);
    }

    /// <summary>Counts the chunks the keyword index holds.</summary>
    /// <returns>The count.</returns>
    public Task<long> CountChunksAsync() =>
        _database.InTenantAsync(Tenant, (c, t) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM search_chunks WHERE tenant_id = @Tenant", new { Tenant }, t));

    /// <summary>Reads every stored embedding: the ground truth of the exact search.</summary>
    /// <returns>The chunk ids and their vectors.</returns>
    public async Task<List<(string Id, float[] Vector)>> ReadEmbeddingsAsync()
    {
        var all = new List<(string Id, float[] Vector)>();
        (string, string)? after = null;
        while (true)
        {
            var batch = await Chunks.ReadEmbeddedAsync(after, 1000);
            all.AddRange(batch.Select(c => (c.Id, c.Embedding!)));
            if (batch.Count < 1000)
            {
                return all;
            }

            after = (batch[^1].TenantId, batch[^1].Id);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }

    /// <summary>The document being indexed, as the indexer reads it.</summary>
    private sealed class CorpusSources : ISearchSources
    {
        public Dictionary<string, SearchSource> Files { get; } = new(StringComparer.Ordinal);

        public Task<SearchSource?> GetMessageAsync(string tenantId, string roomId, string messageId, CancellationToken cancellationToken) =>
            Task.FromResult<SearchSource?>(null);

        public Task<SearchSource?> GetFileAsync(string tenantId, string fileId, CancellationToken cancellationToken) =>
            Task.FromResult(Files.GetValueOrDefault(fileId));
    }
}
