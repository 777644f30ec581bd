namespace Atom.Server.Search.Embeddings;

/// <summary>The embedded provider's settings (<c>Atom:Embeddings:Glove</c>).</summary>
public sealed class GloveEmbeddingOptions
{
    /// <summary>The default file, relative to the data directory.</summary>
    public const string DefaultRelativePath = "models/glove-100d.bin";

    /// <summary>
    /// Gets or sets the word-vector file. Default: <c>&lt;Atom:DataDir&gt;/models/glove-100d.bin</c>, which <c>./build.sh run</c>
    /// creates with <c>tests/scripts/glove.sh</c>. When the file is missing the server still starts, with semantic search off.
    /// </summary>
    public string? Path { get; set; }
}
