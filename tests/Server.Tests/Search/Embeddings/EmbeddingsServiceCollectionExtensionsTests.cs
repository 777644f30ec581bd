using Atom.Server.Hosting;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Embeddings.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// Choosing embeddings from <c>Atom:Embeddings</c>: GloVe from the data directory by default, an OpenAI-compatible endpoint
/// when configured; a missing vector file turns semantic search off without stopping the server; wrong settings stop it.
/// </summary>
public sealed class EmbeddingsServiceCollectionExtensionsTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "atom-emb-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ComponentCatalog catalog = new();

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task By_default_the_GloVe_file_in_the_data_directory_is_used()
    {
        var path = Path.Combine(dataDir, "models", "glove-100d.bin");
        WordVectorFile.Write(path, TestGlove.RandomTable(["cat", "dog", "mat"]));

        using var generator = Resolve();
        var embeddings = await generator.GenerateAsync(["cat on the mat"]);

        Assert.IsType<GloveSifEmbeddingGenerator>(generator);
        Assert.False(embeddings[0].IsZero());
        var component = Assert.Single(catalog.Components);
        Assert.Equal(("embeddings", "glove-sif", true), (component.Name, component.Provider, component.Enabled));
        Assert.Equal($"{path} (3 words, 16 dims)", component.Detail);
    }

    [Fact]
    public async Task Without_the_GloVe_file_the_server_starts_with_embeddings_off_saying_how_to_make_it()
    {
        using var generator = Resolve();

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["cat"]));

        var component = Assert.Single(catalog.Components);
        Assert.False(component.Enabled);
        Assert.Contains($"no word vectors at {Path.Combine(dataDir, "models", "glove-100d.bin")}", component.Detail, StringComparison.Ordinal);
        Assert.Contains("tests/scripts/glove.sh", component.Detail, StringComparison.Ordinal);
        Assert.Equal(component.Detail, error.Message);
        Assert.Equal(GloveSifEmbeddingGenerator.ProviderName, generator.GetService<EmbeddingGeneratorMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task A_damaged_GloVe_file_at_a_configured_path_is_off_too()
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "vectors.bin");
        await File.WriteAllTextAsync(path, "not vectors at all, but long enough for a header");

        using var generator = Resolve(("Glove:Path", path));

        await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["cat"]));
        var component = Assert.Single(catalog.Components);
        Assert.False(component.Enabled);
        Assert.Contains("does not start with ATOMWVEC", component.Detail, StringComparison.Ordinal);
        Assert.Contains("glove.sh", component.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_gone_between_start_up_and_first_use_means_keywords_only_too()
    {
        var path = Path.Combine(dataDir, "models", "glove-100d.bin");
        WordVectorFile.Write(path, TestGlove.RandomTable(["cat"]));
        using var provider = Services();
        File.Delete(path);

        using var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["cat"]));
        Assert.Contains("glove.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_openai_provider_reports_endpoint_and_model_but_never_the_key()
    {
        using var generator = Resolve(("Provider", "OpenAI"), ("OpenAi:BaseUrl", "http://127.0.0.1:11434/v1"), ("OpenAi:Model", "nomic-embed-text"),
            ("OpenAi:ApiKey", "sk-secret"), ("OpenAi:Dimensions", "256"), ("OpenAi:Timeout", "00:00:05"));

        Assert.IsType<OpenAiEmbeddingGenerator>(generator);
        var component = Assert.Single(catalog.Components);
        Assert.Equal(("embeddings", "openai", true, "http://127.0.0.1:11434/v1 model nomic-embed-text, 256 dims"), (component.Name, component.Provider, component.Enabled, component.Detail));
        Assert.DoesNotContain("sk-secret", component.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Provider", "onnx", "Atom:Embeddings:Provider 'onnx' is not supported; use glove or openai.")]
    [InlineData("OpenAi:BatchSize", "0", "Atom:Embeddings:OpenAi:BatchSize must be between 1 and 2048; got 0.")]
    [InlineData("OpenAi:Timeout", "-00:00:01", "Atom:Embeddings:OpenAi:Timeout must be positive")]
    [InlineData("OpenAi:MaxRetries", "-1", "Atom:Embeddings:OpenAi:MaxRetries must be between 0 and 20")]
    [InlineData("OpenAi:Dimensions", "0", "Atom:Embeddings:OpenAi:Dimensions must be positive")]
    [InlineData("OpenAi:MaxRetryDelay", "00:00:00.1", "RetryDelay (00:00:01) and MaxRetryDelay (00:00:00.1000000) must satisfy")]
    public void Settings_that_cannot_work_stop_start_up_naming_the_key(string key, string value, string message)
    {
        var settings = new List<(string, string?)> { (key, value) };
        if (key.StartsWith("OpenAi:", StringComparison.Ordinal))
        {
            settings.AddRange([("Provider", "openai"), ("OpenAi:BaseUrl", "http://127.0.0.1:1/v1"), ("OpenAi:Model", "m")]);
        }

        var error = Assert.Throws<OptionsValidationException>(() => Resolve([.. settings]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(catalog.Components);
    }

    private IEmbeddingGenerator<string, Embedding<float>> Resolve(params (string Key, string? Value)[] settings) =>
        Services(settings).GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    private ServiceProvider Services(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{EmbeddingsOptions.Section}:{s.Key}", s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddAtomEmbeddings(configuration, catalog, dataDir).BuildServiceProvider();
    }
}
