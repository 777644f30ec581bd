namespace Atom.Server.Search.Embeddings.Internal;

/// <summary>Checks <see cref="EmbeddingsOptions"/>, naming each wrong key and why, so a mistake stops the server at start-up.</summary>
internal static class EmbeddingsOptionsValidation
{
    private const string OpenAiSection = EmbeddingsOptions.Section + ":OpenAi";

    // The most a CancellationTokenSource timer accepts.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>The provider, in lower case; unset means the default.</summary>
    public static string Provider(EmbeddingsOptions options) =>
        string.IsNullOrWhiteSpace(options.Provider) ? EmbeddingsOptions.GloveProvider : options.Provider.Trim().ToLowerInvariant();

    public static List<string> Validate(EmbeddingsOptions options)
    {
        var provider = Provider(options);
        return provider switch
        {
            EmbeddingsOptions.GloveProvider => [],
            EmbeddingsOptions.OpenAiProvider => ValidateOpenAi(options.OpenAi),
            _ => [$"{EmbeddingsOptions.Section}:{nameof(EmbeddingsOptions.Provider)} '{options.Provider}' is not supported; use {EmbeddingsOptions.GloveProvider} or {EmbeddingsOptions.OpenAiProvider}."],
        };
    }

    public static List<string> ValidateOpenAi(OpenAiEmbeddingOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.BaseUrl)} is empty; set it to the API's base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1.");
        }
        else if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.BaseUrl)} '{options.BaseUrl}' is not an http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.Model)} is empty; set it to the embedding model, e.g. text-embedding-3-small.");
        }

        if (options.Dimensions is < 1)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.Dimensions)} must be positive when set; got {options.Dimensions}.");
        }

        // OpenAI takes at most 2048 inputs per request.
        if (options.BatchSize is < 1 or > 2048)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.BatchSize)} must be between 1 and 2048; got {options.BatchSize}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.Timeout)} must be positive and at most {MaxTimeout}; got {options.Timeout}.");
        }

        if (options.MaxRetries is < 0 or > 20)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.MaxRetries)} must be between 0 and 20; got {options.MaxRetries}.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > MaxTimeout)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.RetryDelay)} ({options.RetryDelay}) and {nameof(options.MaxRetryDelay)} ({options.MaxRetryDelay}) must satisfy 0 <= RetryDelay <= MaxRetryDelay <= {MaxTimeout}.");
        }

        return errors;
    }
}
