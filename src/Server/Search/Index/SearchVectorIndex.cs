using Atom.Server.Search.Vectors;

namespace Atom.Server.Search.Index;

/// <summary>
/// The chunks' embeddings in the <see cref="IVectorStore"/>. Each embedding model's vectors live in a collection named
/// by their dimensions (<c>chunks_100</c>), so a change of model never compares vectors of different spaces, and a query
/// embedded by the model in use meets only chunks embedded by a model of its shape. <see cref="ChunkStore"/> keeps
/// every embedding too: the vectors can always be rebuilt from it.
/// </summary>
/// <param name="vectors">The vector store.</param>
public sealed class SearchVectorIndex(IVectorStore vectors)
{
    /// <summary>Gets the vector store.</summary>
    public IVectorStore Store => vectors;

    /// <summary>The collection of embeddings with so many dimensions.</summary>
    /// <param name="dimensions">The dimensions.</param>
    /// <returns>The collection's name.</returns>
    public static string CollectionFor(int dimensions) => $"chunks_{dimensions}";

    /// <summary>Replaces the vectors of a source with those of its chunks now (none: the source has gone).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="sourceId">The message or file.</param>
    /// <param name="chunks">Its chunks; those without an embedding have no vector.</param>
    /// <param name="dimensions">The dimensions of the model in use, whose collection the source's old vectors are in; null when unknown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    public async Task ReplaceSourceAsync(string tenantId, string sourceId, IReadOnlyList<SearchChunk> chunks, int? dimensions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var points = chunks.Where(c => c.Embedding is not null).Select(ToPoint).ToList();
        var size = points.Count > 0 ? points[0].Vector.Length : dimensions;
        if (size is not { } known)
        {
            return;
        }

        var collection = CollectionFor(known);
        await vectors.DeleteBySourceAsync(collection, tenantId, sourceId, cancellationToken);
        if (points.Count > 0)
        {
            await vectors.EnsureCollectionAsync(collection, known, cancellationToken);
            await vectors.UpsertAsync(collection, points, cancellationToken);
        }
    }

    /// <summary>Finds the chunks nearest to a query's embedding that the filter's scopes, kinds and dates allow.</summary>
    /// <param name="vector">The query's embedding.</param>
    /// <param name="filter">What may be seen. Authors and file types are not in the vectors' payload: the caller re-checks hits against the <see cref="ChunkStore"/>.</param>
    /// <param name="limit">The most hits.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits, nearest first; their ids are chunk ids.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    public Task<IReadOnlyList<VectorHit>> SearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var kinds = filter.FileTypes is { Count: > 0 } ? [SourceKind.File] : filter.Kinds;
        return vectors.SearchAsync(CollectionFor(vector.Length), new VectorQuery(vector, limit, filter.TenantId)
        {
            Scopes = filter.Scopes,
            Kinds = kinds?.Select(SearchChunk.NameOf).ToList(),
            CreatedFrom = filter.CreatedFrom?.ToUnixTimeMilliseconds(),
            CreatedTo = filter.CreatedBefore?.ToUnixTimeMilliseconds(),
        }, cancellationToken);
    }

    /// <summary>Writes embedded chunks as they are (the rebuild of a lost index).</summary>
    /// <param name="chunks">Chunks with embeddings, all of the same dimensions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task UpsertAsync(IReadOnlyList<SearchChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var points = chunks.Where(c => c.Embedding is not null).Select(ToPoint).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var collection = CollectionFor(points[0].Vector.Length);
        await vectors.EnsureCollectionAsync(collection, points[0].Vector.Length, cancellationToken);
        await vectors.UpsertAsync(collection, points, cancellationToken);
    }

    private static VectorPoint ToPoint(SearchChunk chunk) => new(
        chunk.Id,
        chunk.Embedding,
        new VectorPayload(chunk.TenantId, chunk.SourceId, chunk.Scope, SearchChunk.NameOf(chunk.Kind), chunk.CreatedAt.ToUnixTimeMilliseconds(), chunk.Category));
}
