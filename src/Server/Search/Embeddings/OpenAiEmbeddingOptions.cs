namespace Atom.Server.Search.Embeddings;

/// <summary>The settings of an OpenAI-compatible embeddings endpoint (<c>Atom:Embeddings:OpenAi</c>).</summary>
public sealed class OpenAiEmbeddingOptions
{
    /// <summary>
    /// Gets or sets the API's base URL, the part before <c>/embeddings</c>: <c>https://api.openai.com/v1</c>,
    /// <c>http://localhost:11434/v1</c> (Ollama), <c>http://localhost:8000/v1</c> (vLLM).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the model, e.g. <c>text-embedding-3-small</c> or <c>nomic-embed-text</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the API key sent as a bearer token; none is sent when empty (local servers need none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the vector length to ask for, for models that can shorten their output (text-embedding-3-*); null
    /// sends none and takes the model's own. When set, every answer must have this length.
    /// </summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets the most texts sent in one request; larger inputs go as several requests in turn.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets the longest wait for one request's answer; past it the try counts as failed and may be retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a request is retried after 408, 429, 5xx or a network failure.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; it doubles with each further retry (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait between tries. It caps both the backoff and a server's <c>Retry-After</c>, so that a
    /// throttled endpoint fails over to keyword search instead of holding a query for minutes.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
