using Atom.Server.Hosting;
using Atom.Server.Search.Vectors;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>Choosing the vector store from <c>Atom:Vectors</c>: in-process by default under the data directory, Qdrant when asked, and settings that cannot work stop start-up.</summary>
public sealed class VectorsServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _dataDir = new();

    public void Dispose() => _dataDir.Dispose();

    [Fact]
    public async Task By_default_the_in_process_store_lives_under_the_data_directory_and_is_maintained_by_a_hosted_service()
    {
        var catalog = new ComponentCatalog();
        await using var provider = Build(catalog);

        var store = provider.GetRequiredService<IVectorStore>();

        var inProcess = Assert.IsType<InProcessVectorStore>(store);
        Assert.Same(inProcess, provider.GetRequiredService<InProcessVectorStore>());
        Assert.Equal(Path.Combine(_dataDir.Path, "vectors"), inProcess.Location);
        Assert.Single(provider.GetServices<IHostedService>());
        var component = Assert.Single(catalog.Components);
        Assert.Equal(("vectors", "inprocess", true), (component.Name, component.Provider, component.Enabled));
        Assert.Contains(inProcess.Location!, component.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hosted_service_writes_the_snapshots_when_the_server_stops()
    {
        await using var provider = Build(new ComponentCatalog());
        var store = provider.GetRequiredService<InProcessVectorStore>();
        var maintenance = Assert.Single(provider.GetServices<IHostedService>());
        await maintenance.StartAsync(CancellationToken.None);
        await store.EnsureCollectionAsync("c", 2, CancellationToken.None);
        await store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, 0 }, new VectorPayload("t", "s", "room:1", "message", 0, string.Empty))], CancellationToken.None);
        Assert.True(new FileInfo(Path.Combine(store.Location!, "c", "changes.log")).Length > 0);

        await maintenance.StopAsync(CancellationToken.None);

        Assert.Equal(0, new FileInfo(Path.Combine(store.Location!, "c", "changes.log")).Length);
    }

    [Fact]
    public async Task Qdrant_is_chosen_by_its_provider_name_and_reported_without_its_key()
    {
        var catalog = new ComponentCatalog();
        await using var provider = Build(catalog, ("Provider", "Qdrant"), ("Qdrant:Url", "http://qdrant.internal:6333"), ("Qdrant:ApiKey", "s3cr3t"), ("Qdrant:CollectionPrefix", "atom_"));

        Assert.IsType<QdrantVectorStore>(provider.GetRequiredService<IVectorStore>());
        Assert.Empty(provider.GetServices<IHostedService>());
        var component = Assert.Single(catalog.Components);
        Assert.Equal("qdrant", component.Provider);
        Assert.Contains("http://qdrant.internal:6333", component.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", component.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Provider", "pinecone", "Atom:Vectors:Provider 'pinecone' is not supported")]
    [InlineData("Hnsw:M", "1", "Atom:Vectors:Hnsw:M must be between 2 and 128")]
    [InlineData("Hnsw:EfSearch", "0", "Atom:Vectors:Hnsw:EfSearch must be between 1 and 4096")]
    [InlineData("Hnsw:Threshold", "0", "Atom:Vectors:Hnsw:Threshold must be at least 1")]
    [InlineData("CompactionRatio", "0", "Atom:Vectors:CompactionRatio must be above 0")]
    [InlineData("SnapshotInterval", "00:00:00", "Atom:Vectors:SnapshotInterval must be positive")]
    public void A_setting_that_cannot_work_fails_at_start_up_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new ComponentCatalog(), (key, value)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("qdrant:6333")]
    [InlineData("ftp://qdrant:6333")]
    public void Qdrant_without_a_usable_url_fails_at_start_up(string? url)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new ComponentCatalog(), ("Provider", "qdrant"), ("Qdrant:Url", url)));

        Assert.Contains("Atom:Vectors:Qdrant:Url must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Build(ComponentCatalog catalog, params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{VectorStoreOptions.Section}:{s.Key}", s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddAtomVectors(configuration, catalog, _dataDir.Path).BuildServiceProvider();
    }
}
