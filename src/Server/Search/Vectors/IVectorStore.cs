namespace Atom.Server.Search.Vectors;

/// <summary>
/// Stores embedding vectors with the payload search filters on, and finds the nearest ones by cosine similarity.
/// The tenant and every filter of a <see cref="VectorQuery"/> are hard constraints: a point of another tenant, or one the
/// filter excludes, is never returned, whatever the index does.
/// </summary>
/// <remarks>
/// Collection names are 1 to 64 ASCII letters, digits, <c>_</c> or <c>-</c>. Point ids are unique within a collection.
/// Vectors need not be normalized; a vector with a zero length or a non-finite component is refused.
/// </remarks>
public interface IVectorStore
{
    /// <summary>Creates the collection if it is missing (idempotent).</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="dimensions">The length of every vector in it.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorDimensionMismatchException">The collection exists with other dimensions.</exception>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken ct);

    /// <summary>Inserts or replaces points by id.</summary>
    /// <param name="collection">The collection, which must exist.</param>
    /// <param name="points">The points.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorCollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ArgumentException">A point is malformed, e.g. its vector has the wrong length.</exception>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken ct);

    /// <summary>Removes points by id; ids that are not there, or a collection that is not, are ignored.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="ids">The point ids.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>Removes every point of a source (all chunks of one message or file) of a tenant.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="sourceId">The source.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task DeleteBySourceAsync(string collection, string tenantId, string sourceId, CancellationToken ct);

    /// <summary>Finds the nearest points by cosine similarity that pass the query's filter, best first.</summary>
    /// <param name="collection">The collection; one that does not exist has no hits.</param>
    /// <param name="query">The query.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>At most <see cref="VectorQuery.Limit"/> hits, the most similar first.</returns>
    /// <exception cref="ArgumentException">The query is malformed, e.g. its vector has the wrong length.</exception>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task<IReadOnlyList<VectorHit>> SearchAsync(string collection, VectorQuery query, CancellationToken ct);

    /// <summary>Counts the points in a collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>How many points it holds; 0 when it does not exist.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task<long> CountAsync(string collection, CancellationToken ct);

    /// <summary>
    /// Removes a collection and all its points (e.g. before re-indexing with an embedding model of other dimensions);
    /// nothing happens when it does not exist.
    /// </summary>
    /// <param name="collection">The collection.</param>
    /// <param name="ct">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="VectorStoreUnavailableException">A remote store cannot be reached.</exception>
    Task DeleteCollectionAsync(string collection, CancellationToken ct);
}
