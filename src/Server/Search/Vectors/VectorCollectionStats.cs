namespace Atom.Server.Search.Vectors;

/// <summary>How an in-process collection is searched.</summary>
public enum VectorIndexKind
{
    /// <summary>Every search compares the query with every point that passes its filter.</summary>
    Exact,

    /// <summary>The collection has passed the graph threshold and its graph is being built; searches are exact meanwhile.</summary>
    Building,

    /// <summary>Searches walk an HNSW graph, or scan exactly when the filter lets few enough points through.</summary>
    Graph,
}

/// <summary>The state of one in-process collection, for operators and benchmarks.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="Dimensions">The length of its vectors.</param>
/// <param name="Points">The points it holds.</param>
/// <param name="DeletedSlots">Deleted or replaced points still taking memory until the next compaction.</param>
/// <param name="Index">How it is searched.</param>
/// <param name="BytesPerVector">Estimated managed memory per point: the vector, the payload columns, the id, the id map and the graph's links.</param>
/// <param name="ExactSearches">Searches answered by an exact scan.</param>
/// <param name="GraphSearches">Searches answered through the graph.</param>
/// <param name="FallbackSearches">Graph searches that found too few points passing the filter and were answered by an exact scan instead.</param>
public sealed record VectorCollectionStats(
    string Collection,
    int Dimensions,
    long Points,
    long DeletedSlots,
    VectorIndexKind Index,
    double BytesPerVector,
    long ExactSearches,
    long GraphSearches,
    long FallbackSearches);
