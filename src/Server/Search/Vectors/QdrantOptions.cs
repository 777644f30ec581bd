namespace Atom.Server.Search.Vectors;

/// <summary>Settings of the Qdrant vector store (configuration section <c>Atom:Vectors:Qdrant</c>).</summary>
public sealed class QdrantOptions
{
    /// <summary>Gets or sets the REST endpoint, e.g. <c>http://127.0.0.1:6333</c>. Required.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets the API key, sent in the <c>api-key</c> header; null for a server without one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a prefix for every collection name (e.g. <c>atom_</c>), to share a server with other data.</summary>
    public string CollectionPrefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the longest wait for one request; past it the store counts as unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many points go in one upsert request.</summary>
    public int UpsertBatch { get; set; } = 256;
}
