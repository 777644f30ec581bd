namespace Atom.Server.Search.Embeddings;

/// <summary>
/// No embedding could be made: the embedded provider has no vector file, or the endpoint is unreachable, throttling past
/// its retries, or refusing the request. Search catches it and answers with keywords alone.
/// </summary>
public sealed class EmbeddingsUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public EmbeddingsUnavailableException()
        : this("Embeddings are unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public EmbeddingsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingsUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an endpoint's HTTP answer.</summary>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The endpoint's last HTTP status.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingsUnavailableException(string message, int statusCode, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>
    /// Gets the endpoint's last HTTP status, when it answered: 429 or 5xx after the retries, or a 4xx that retrying cannot change
    /// (bad key, unknown model). Null when nothing answered or no endpoint is configured.
    /// </summary>
    public int? StatusCode { get; }
}
