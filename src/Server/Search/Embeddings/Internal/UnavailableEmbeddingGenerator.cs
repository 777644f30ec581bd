using Microsoft.Extensions.AI;

namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>The generator when the configured one cannot work (no vector file): every call fails the same clear way, so search runs on keywords.</summary>
internal sealed class UnavailableEmbeddingGenerator(string provider, string reason) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata metadata = new(provider);

    /// <summary>Gets why there are no embeddings, and how to get them.</summary>
    public string Reason => reason;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromException<GeneratedEmbeddings<Embedding<float>>>(new EmbeddingsUnavailableException(reason));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
