using Atom.Server.Hosting;
using Atom.Server.Search.Embeddings;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>The composition root registers embeddings: a server on a fresh data directory (no word vectors yet) starts, and says so.</summary>
public sealed class EmbeddingsInServerTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task A_server_without_word_vectors_runs_with_embeddings_off_and_says_how_to_make_them()
    {
        var component = Assert.Single(server.Server.Services.GetRequiredService<ComponentCatalog>().Components, c => c.Name == "embeddings");
        var generator = server.Server.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Equal((GloveSifEmbeddingGenerator.ProviderName, false), (component.Provider, component.Enabled));
        Assert.Contains("tests/scripts/glove.sh", component.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["hello"]));
    }
}
