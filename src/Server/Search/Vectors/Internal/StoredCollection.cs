namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// A collection of the in-process store with its files and its write gate. The gate orders every change of the collection
/// (writes, snapshots, compaction, removal) one after another, so the log holds them in the order they were applied.
/// </summary>
internal sealed class StoredCollection(VectorCollection index, CollectionFiles? files) : IDisposable
{
    public VectorCollection Index { get; } = index;

    public CollectionFiles? Files { get; } = files;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Gets or sets whether the collection was removed (set under the gate): a write that waited for the gate must not go on.</summary>
    public bool Removed { get; set; }

    public void Dispose()
    {
        // The gate stays undisposed: a write that waited for it may still release it after finding the collection removed
        // (a SemaphoreSlim whose wait handle was never asked for holds nothing to free).
        Index.Dispose();
        Files?.Dispose();
    }
}
