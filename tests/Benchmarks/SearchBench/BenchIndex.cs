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
/// embeddings, the in-process vector store with its server defaults, and the server's own indexer, fed the corpus as files
/// of one room of one tenant.
/// </summary>
public sealed class BenchIndex : IAsyncDisposable
{
    /// <summary>The tenant everything is indexed in.</summary>
    public const string Tenant = "bench";

    /// <summary>The room every document is a file of.</summary>
    public const string Room = "man";

    /// <summary>The vector collection of the chunks.</summary>
    public const string Collection = "search_bench";

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
        }).Build();
        var catalog = new ComponentCatalog();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(catalog)
            .AddAtomStorage(configuration, catalog, dataDir)
            .AddAtomEmbeddings(configuration, catalog, dataDir)
            .AddAtomVectors(configuration, catalog, dataDir)
            .AddSingleton<ChunkStore>()
            .AddSingleton(new TextChunker())
            .BuildServiceProvider();
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await services.GetRequiredService<AtomDatabase>().AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES (@Tenant, @Tenant, @Tenant, 'Search benchmark', 0)", new { Tenant }, t));
        var index = new BenchIndex(services);
        await index.Vectors.EnsureCollectionAsync(Collection, 100, CancellationToken.None);
        return index;
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

    /// <summary>Indexes one document as the server indexes a file: the indexer's job, then its chunks' vectors.</summary>
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
        await IndexVectorsAsync(id);
    }

    /// <summary>Counts the chunks the keyword index holds.</summary>
    /// <returns>The count.</returns>
    public Task<long> CountChunksAsync() =>
        _database.InTenantAsync(Tenant, (c, t) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM search_chunks WHERE tenant_id = @Tenant", new { Tenant }, t));

    /// <summary>Reads every stored embedding: the ground truth of the exact search.</summary>
    /// <returns>The chunk ids and their vectors.</returns>
    public Task<List<(string Id, float[] Vector)>> ReadEmbeddingsAsync() =>
        _database.InTenantAsync(Tenant, async (c, t) =>
            (await c.QueryAsync<(string Id, byte[] Embedding)>("SELECT id, embedding FROM search_chunks WHERE tenant_id = @Tenant AND embedding IS NOT NULL", new { Tenant }, t))
                .Select(r => (r.Id, ChunkStore.VectorOf(r.Embedding))).ToList());

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }

    // The vector index is built from the embeddings the indexer stored with the chunks, as the server rebuilds it.
    private async Task IndexVectorsAsync(string sourceId)
    {
        var rows = await _database.InTenantAsync(Tenant, async (c, t) =>
            (await c.QueryAsync<(string Id, byte[] Embedding, long CreatedAt)>(
                "SELECT id, embedding, created_at FROM search_chunks WHERE tenant_id = @Tenant AND source_id = @sourceId AND embedding IS NOT NULL", new { Tenant, sourceId }, t)).ToList());
        if (rows.Count > 0)
        {
            await Vectors.UpsertAsync(Collection, [.. rows.Select(r => new VectorPoint(r.Id, ChunkStore.VectorOf(r.Embedding),
                new VectorPayload(Tenant, sourceId, SearchSource.RoomScope(Room), "file", r.CreatedAt, "document")))], CancellationToken.None);
        }
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
