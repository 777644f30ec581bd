namespace Atom.Server.Search.Embeddings;

/// <summary>How Atom turns text into vectors for semantic search, from <c>Atom:Embeddings</c>.</summary>
public sealed class EmbeddingsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Embeddings";

    /// <summary>The embedded default: SIF-weighted GloVe 100-d vectors from a local file (<see cref="GloveSifEmbeddingGenerator"/>).</summary>
    public const string GloveProvider = "glove";

    /// <summary>Any OpenAI-compatible <c>/v1/embeddings</c> endpoint (<see cref="OpenAiEmbeddingGenerator"/>).</summary>
    public const string OpenAiProvider = "openai";

    /// <summary>Gets or sets the provider: <see cref="GloveProvider"/> (the default) or <see cref="OpenAiProvider"/>.</summary>
    public string Provider { get; set; } = GloveProvider;

    /// <summary>Gets or sets the settings of the <see cref="GloveProvider"/> provider.</summary>
    public GloveEmbeddingOptions Glove { get; set; } = new();

    /// <summary>Gets or sets the settings of the <see cref="OpenAiProvider"/> provider.</summary>
    public OpenAiEmbeddingOptions OpenAi { get; set; } = new();
}
