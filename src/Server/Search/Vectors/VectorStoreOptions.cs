namespace Atom.Server.Search.Vectors;

/// <summary>Where search keeps its embedding vectors (configuration section <c>Atom:Vectors</c>).</summary>
public sealed class VectorStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Vectors";

    /// <summary>The provider that keeps vectors in the server's memory, persisted under <see cref="Directory"/>.</summary>
    public const string InProcessProvider = "inprocess";

    /// <summary>The provider that keeps vectors in a Qdrant server, over its REST API.</summary>
    public const string QdrantProvider = "qdrant";

    /// <summary>Gets or sets the provider: <see cref="InProcessProvider"/> (the embedded default) or <see cref="QdrantProvider"/>.</summary>
    public string Provider { get; set; } = InProcessProvider;

    /// <summary>Gets or sets the directory of the in-process store's snapshots and logs. Default: <c>&lt;Atom:DataDir&gt;/vectors</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets or sets whether every write is flushed to the disk (fsync of the change log) before it returns. Off, a crash
    /// (not a clean stop) can lose the writes of the last moments, which indexing then has to make again.
    /// </summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>Gets or sets how often a collection whose change log holds anything is written as a new snapshot.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the size of a change log at which its collection gets a new snapshot sooner than <see cref="SnapshotInterval"/>.</summary>
    public long SnapshotLogBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the share of deleted or replaced points (which stay in memory, marked deleted, until then) at which a
    /// collection is compacted. The check runs every <see cref="MaintenanceInterval"/>.
    /// </summary>
    public double CompactionRatio { get; set; } = 0.2;

    /// <summary>Gets or sets how often the in-process store checks for due snapshots and compactions.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the in-process store's approximate index settings.</summary>
    public HnswOptions Hnsw { get; set; } = new();

    /// <summary>Gets or sets the Qdrant settings, used when <see cref="Provider"/> is <see cref="QdrantProvider"/>.</summary>
    public QdrantOptions Qdrant { get; set; } = new();
}
