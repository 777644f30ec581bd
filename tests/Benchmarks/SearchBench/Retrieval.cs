using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Text;
using Atom.Server.Search.Vectors;
using Microsoft.Extensions.AI;

namespace Atom.Benchmarks.SearchBench;

/// <summary>The ways a query is answered; each returns source ids (pages), best first, one per source.</summary>
public static class Retrieval
{
    /// <summary>Full-text search alone.</summary>
    public const string Keyword = "keyword";

    /// <summary>The embedding's nearest chunks alone.</summary>
    public const string Semantic = "semantic";

    /// <summary>Both, fused.</summary>
    public const string Hybrid = "hybrid";

    // Chunks asked for per source wanted: a page's chunks often rank next to each other.
    private const int ChunksPerHit = 5;

    /// <summary>Answers a query in one mode.</summary>
    /// <param name="index">The index.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="text">The query.</param>
    /// <param name="limit">The most sources.</param>
    /// <returns>The sources, best first.</returns>
    public static async Task<List<string>> SearchAsync(BenchIndex index, string mode, string text, int limit) => mode switch
    {
        Keyword => Sources(await KeywordChunksAsync(index, text, limit * ChunksPerHit), limit),
        Semantic => Sources(await SemanticChunksAsync(index, text, limit * ChunksPerHit), limit),
        Hybrid => Fuse(await KeywordChunksAsync(index, text, limit * ChunksPerHit), await SemanticChunksAsync(index, text, limit * ChunksPerHit), limit),
        _ => throw new ArgumentException($"unknown mode {mode}", nameof(mode)),
    };

    /// <summary>The embedding of a query; null when it has no word the vectors know.</summary>
    /// <param name="index">The index.</param>
    /// <param name="text">The query.</param>
    /// <returns>The vector.</returns>
    public static async Task<ReadOnlyMemory<float>?> EmbedAsync(BenchIndex index, string text)
    {
        var embedding = (await index.Embeddings.GenerateAsync([text]))[0];
        return embedding.IsZero() ? null : embedding.Vector;
    }

    /// <summary>The nearest chunks of a vector, through the store (graph or scan, as it chooses).</summary>
    /// <param name="index">The index.</param>
    /// <param name="vector">The query vector.</param>
    /// <param name="limit">The most chunks.</param>
    /// <returns>The hits.</returns>
    public static Task<IReadOnlyList<VectorHit>> NearestAsync(BenchIndex index, ReadOnlyMemory<float> vector, int limit) =>
        index.Vectors.SearchAsync(BenchIndex.Collection, new VectorQuery(vector, limit, BenchIndex.Tenant) { Scopes = BenchIndex.Filter.Scopes }, CancellationToken.None);

    private static async Task<List<string>> KeywordChunksAsync(BenchIndex index, string text, int limit) =>
        [.. (await index.Chunks.SearchAsync(KeywordQuery.Parse(text), BenchIndex.Filter, limit)).Select(h => h.Chunk.SourceId)];

    private static async Task<List<string>> SemanticChunksAsync(BenchIndex index, string text, int limit) =>
        await EmbedAsync(index, text) is { } vector ? [.. (await NearestAsync(index, vector, limit)).Select(h => h.Payload.SourceId)] : [];

    private static List<string> Sources(List<string> chunkSources, int limit) => [.. chunkSources.Distinct(StringComparer.Ordinal).Take(limit)];

    // Reciprocal-rank fusion (k = 60) of each source's best rank in either list.
    private static List<string> Fuse(List<string> keyword, List<string> semantic, int limit)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var list in new[] { Sources(keyword, int.MaxValue), Sources(semantic, int.MaxValue) })
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                scores[list[rank]] = scores.GetValueOrDefault(list[rank]) + 1.0 / (60 + rank + 1);
            }
        }

        return [.. scores.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit).Select(p => p.Key)];
    }
}
