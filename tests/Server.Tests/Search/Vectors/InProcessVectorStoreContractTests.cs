using Atom.Server.Search.Vectors;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>The contract on the in-process store below its graph threshold: every search an exact scan, persisted in a temporary directory.</summary>
public sealed class InProcessVectorStoreExactContractTests : VectorStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    protected override Task<IVectorStore> CreateStoreAsync() =>
        Task.FromResult<IVectorStore>(new InProcessVectorStore(_directory.Path, new VectorStoreOptions()));

    [Fact]
    public async Task Every_search_is_an_exact_scan()
    {
        await UpsertAsync(Point("a", Vec(1)), Point("b", Vec(0, 1)));
        await SearchAsync(Query(Vec(1)));

        var stats = ((InProcessVectorStore)Store).GetStats(Collection)!;
        Assert.Equal(VectorIndexKind.Exact, stats.Index);
        Assert.Equal(1, stats.ExactSearches);
        Assert.Equal(0, stats.GraphSearches);
    }
}

/// <summary>
/// The contract on the in-process store in graph mode: a graph from the first point on, built within the write, with small
/// links and a narrow search, and never a scan chosen up front, so the graph's walk, its widening and its fallback to a
/// scan are what every test exercises.
/// </summary>
public sealed class InProcessVectorStoreGraphContractTests : VectorStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override bool IsExact => false;

    public void Dispose() => _directory.Dispose();

    protected override Task<IVectorStore> CreateStoreAsync() => Task.FromResult<IVectorStore>(new InProcessVectorStore(_directory.Path, GraphOptions()));

    internal static VectorStoreOptions GraphOptions() => new()
    {
        Hnsw = new HnswOptions { Threshold = 1, M = 4, EfConstruction = 32, EfSearch = 8, ExactScanMatches = 0, BackgroundBuild = false, Seed = 7 },
    };

    [Fact]
    public async Task Searches_go_through_the_graph_and_fall_back_to_a_scan_when_the_filter_starves_it()
    {
        var random = new Random(9);
        await UpsertAsync([.. Enumerable.Range(0, 400).Select(i => Point($"g{i}", RandomVector(random), scope: i == 123 ? "room:only-one" : "room:1"))]);

        var near = await SearchAsync(Query(RandomVector(random), limit: 5));
        var rare = await SearchAsync(Query(RandomVector(random), limit: 5) with { Scopes = ["room:only-one"] });

        var stats = ((InProcessVectorStore)Store).GetStats(Collection)!;
        Assert.Equal(VectorIndexKind.Graph, stats.Index);
        Assert.Equal(5, near.Count);
        Assert.Equal("g123", Assert.Single(rare).Id);
        Assert.Equal(1, stats.GraphSearches);
        Assert.Equal(1, stats.FallbackSearches);
        Assert.Equal(0, stats.ExactSearches);
    }
}

/// <summary>The contract on a real Qdrant server, when ATOM_TEST_QDRANT_URL names one (nothing here can run Qdrant).</summary>
[RequiresEnvironment("ATOM_TEST_QDRANT_URL", "no Qdrant server can run on this machine; point it at one (e.g. http://127.0.0.1:6333) to run the Qdrant contract tests")]
public sealed class QdrantVectorStoreContractTests : VectorStoreContractTests
{
    protected override bool IsExact => false;

    protected override Task<IVectorStore> CreateStoreAsync() => Task.FromResult<IVectorStore>(new QdrantVectorStore(new QdrantOptions
    {
        Url = Environment.GetEnvironmentVariable("ATOM_TEST_QDRANT_URL"),
        ApiKey = Environment.GetEnvironmentVariable("ATOM_TEST_QDRANT_API_KEY"),
        CollectionPrefix = "atomtest_",
    }));
}
