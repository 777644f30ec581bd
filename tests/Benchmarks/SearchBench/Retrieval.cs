using Atom.Server.Search;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Vectors;

namespace Atom.Benchmarks.SearchBench;

/// <summary>The ways a query is answered, all through <see cref="SearchEngine"/>: one result per source (page), best first.</summary>
public static class Retrieval
{
    /// <summary>The modes measured, by their report names.</summary>
    public static readonly IReadOnlyList<(string Name, RetrievalMode Mode)> Modes =
        [("keyword", RetrievalMode.Keyword), ("semantic", RetrievalMode.Semantic), ("hybrid", RetrievalMode.Hybrid)];

    /// <summary>Answers a query in one mode.</summary>
    /// <param name="index">The index.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="text">The query.</param>
    /// <param name="limit">The most sources.</param>
    /// <returns>The engine's answer.</returns>
    public static Task<SearchOutcome> SearchAsync(BenchIndex index, RetrievalMode mode, string text, int limit) =>
        index.Engine.SearchAsync(new SearchQuery(text, mode, BenchIndex.Filter, limit), CancellationToken.None);

    /// <summary>The embedding of a query; null when it has no word the vectors know.</summary>
    /// <param name="index">The index.</param>
    /// <param name="text">The query.</param>
    /// <returns>The vector.</returns>
    public static async Task<ReadOnlyMemory<float>?> EmbedAsync(BenchIndex index, string text)
    {
        var embedding = (await index.Embeddings.GenerateAsync([text]))[0];
        // The cast keeps null a null: ReadOnlyMemory converts null to an empty vector by itself.
        return embedding.IsZero() ? (ReadOnlyMemory<float>?)null : embedding.Vector;
    }

    /// <summary>The nearest chunks of a vector, as the engine asks the vector store for them (graph or scan, as it chooses).</summary>
    /// <param name="index">The index.</param>
    /// <param name="vector">The query vector.</param>
    /// <param name="limit">The most chunks.</param>
    /// <returns>The hits.</returns>
    public static Task<IReadOnlyList<VectorHit>> NearestAsync(BenchIndex index, ReadOnlyMemory<float> vector, int limit) =>
        index.VectorIndex.SearchAsync(vector, BenchIndex.Filter, limit, CancellationToken.None);
}
