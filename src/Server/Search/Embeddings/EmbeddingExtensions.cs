using Microsoft.Extensions.AI;

namespace Atom.Server.Search.Embeddings;

/// <summary>What search needs to know about an embedding beyond its numbers.</summary>
public static class EmbeddingExtensions
{
    /// <summary>
    /// Gets whether <paramref name="embedding"/> is all zeros: the text had nothing the model knows (no known word for
    /// <see cref="GloveSifEmbeddingGenerator"/>, blank for <see cref="OpenAiEmbeddingGenerator"/>). Its cosine with
    /// anything is undefined: index it for keyword search only, and answer such a query by keywords alone.
    /// </summary>
    /// <param name="embedding">The embedding.</param>
    /// <returns>True when every component is zero, or there are none.</returns>
    public static bool IsZero(this Embedding<float> embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        return !embedding.Vector.Span.ContainsAnyExcept(0f);
    }
}
