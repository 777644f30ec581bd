namespace Atom.Server.Search.Vectors;

/// <summary>
/// When and how the in-process store builds an HNSW graph (configuration section <c>Atom:Vectors:Hnsw</c>). Below
/// <see cref="Threshold"/> points a collection is searched exactly; at and above it, through the graph.
/// </summary>
public sealed class HnswOptions
{
    /// <summary>Gets or sets how many points a collection holds before it gets a graph; below it every search is an exact scan.</summary>
    public int Threshold { get; set; } = 20_000;

    /// <summary>Gets or sets the links per node on the upper layers (twice as many on the bottom layer). More: better recall, more memory, slower inserts.</summary>
    public int M { get; set; } = 16;

    /// <summary>Gets or sets the candidates considered when a node is linked in. More: a better graph, slower inserts.</summary>
    public int EfConstruction { get; set; } = 100;

    /// <summary>Gets or sets the candidates a search keeps (at least the query's limit). More: better recall, slower searches.</summary>
    public int EfSearch { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many points a filter may let through at most for a search to scan them exactly rather than walk the
    /// graph. Null (the default) decides per search from the collection's size and <see cref="EfSearch"/>: a walk through a
    /// graph whose nodes mostly fail the filter visits more nodes than the scan would compare.
    /// </summary>
    public int? ExactScanMatches { get; set; }

    /// <summary>
    /// Gets or sets whether a graph is built on a background thread (searches scan exactly until it is ready, writes go on)
    /// rather than within the write that crosses <see cref="Threshold"/> or the start-up that loads the collection.
    /// </summary>
    public bool BackgroundBuild { get; set; } = true;

    /// <summary>Gets or sets the seed of the random layer assignment, for a reproducible graph; null for a random one.</summary>
    public int? Seed { get; set; }
}
