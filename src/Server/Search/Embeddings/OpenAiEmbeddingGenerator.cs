using Atom.Server.OpenAi.Internal;
using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using Atom.Server.Search.Embeddings.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Embeddings;
using EmbeddingGenerationOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions;
using EmbeddingRequestOptions = OpenAI.Embeddings.EmbeddingGenerationOptions;

namespace Atom.Server.Search.Embeddings;

/// <summary>
/// Embeddings from any OpenAI-compatible <c>POST {BaseUrl}/embeddings</c> (OpenAI, Ollama, vLLM, LocalAI, TEI), through the
/// OpenAI package's <see cref="EmbeddingClient"/>. Inputs go in batches of <see cref="OpenAiEmbeddingOptions.BatchSize"/>;
/// 408, 429, 5xx and network failures are retried with backoff, honouring <c>Retry-After</c>; whatever still fails surfaces
/// as <see cref="EmbeddingsUnavailableException"/> so search can fall back to keywords. Blank texts are not sent (the API
/// refuses empty input): they get the zero vector, as texts without known words do from the embedded provider.
/// </summary>
/// <remarks>
/// The client asks for <c>encoding_format: base64</c> and reads either form of answer, so servers that ignore the field and
/// send float arrays work too. Thread-safe.
/// </remarks>
public sealed partial class OpenAiEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in <see cref="EmbeddingGeneratorMetadata"/> and the component catalog.</summary>
    public const string ProviderName = "openai";

    private readonly OpenAiEmbeddingOptions options;
    private readonly OpenAIClient client;
    private readonly EmbeddingClient defaultClient;
    private readonly EmbeddingGeneratorMetadata metadata;
    private readonly ILogger logger;

    // The length of the last answer's vectors: what a batch of blank texts gets when no Dimensions is configured.
    private int seenDimensions;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The endpoint's settings.</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <exception cref="OptionsValidationException">A setting cannot work.</exception>
    public OpenAiEmbeddingGenerator(OpenAiEmbeddingOptions options, ILogger<OpenAiEmbeddingGenerator>? logger = null)
        : this(options, TimeProvider.System, logger)
    {
    }

    internal OpenAiEmbeddingGenerator(OpenAiEmbeddingOptions options, TimeProvider time, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = EmbeddingsOptionsValidation.ValidateOpenAi(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EmbeddingsOptions.Section + ":OpenAi", typeof(OpenAiEmbeddingOptions), errors);
        }

        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        var endpoint = new Uri(options.BaseUrl!.TrimEnd('/'));
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = options.Timeout,
            RetryPolicy = new OpenAiRetryPolicy(options.MaxRetries, options.RetryDelay, options.MaxRetryDelay, time),
        };
        // The policy constructor is marked for evaluation (OPENAI001), but it is the only way to send no Authorization header.
#pragma warning disable OPENAI001
        client = string.IsNullOrEmpty(options.ApiKey)
            ? new OpenAIClient(new NoAuthenticationPolicy(), clientOptions)
            : new OpenAIClient(new ApiKeyCredential(options.ApiKey), clientOptions);
#pragma warning restore OPENAI001
        defaultClient = client.GetEmbeddingClient(options.Model);
        metadata = new EmbeddingGeneratorMetadata(ProviderName, endpoint, options.Model, options.Dimensions);
    }

    /// <inheritdoc />
    /// <exception cref="EmbeddingsUnavailableException">The endpoint failed, after retries where retrying could help.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        var model = options?.ModelId ?? this.options.Model!;
        var embeddingClient = model == this.options.Model ? defaultClient : client.GetEmbeddingClient(model);
        var requestOptions = new EmbeddingRequestOptions { Dimensions = options?.Dimensions ?? this.options.Dimensions };

        var vectors = new ReadOnlyMemory<float>?[texts.Count];
        var sent = new List<int>(Math.Min(texts.Count, this.options.BatchSize));
        var usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 };
        for (var i = 0; i < texts.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(texts[i]))
            {
                sent.Add(i);
            }

            if (sent.Count == this.options.BatchSize || (i == texts.Count - 1 && sent.Count > 0))
            {
                await SendAsync(embeddingClient, model, texts, sent, requestOptions, vectors, usage, cancellationToken).ConfigureAwait(false);
                sent.Clear();
            }
        }

        var dimensions = Dimensions(vectors, model) ?? requestOptions.Dimensions ?? seenDimensions;
        seenDimensions = dimensions;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count) { Usage = usage };
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector ?? new float[dimensions]) { ModelId = model });
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
            : serviceType == typeof(OpenAIClient) ? client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The pipeline's HttpClient is the shared one of System.ClientModel: nothing of ours to release.
    }

    private async Task SendAsync(
        EmbeddingClient embeddingClient, string model, IReadOnlyList<string> texts, List<int> batch,
        EmbeddingRequestOptions requestOptions, ReadOnlyMemory<float>?[] vectors, UsageDetails usage, CancellationToken cancellationToken)
    {
        OpenAIEmbeddingCollection answer;
        try
        {
            answer = (await embeddingClient.GenerateEmbeddingsAsync(batch.Select(i => texts[i]), requestOptions, cancellationToken).ConfigureAwait(false)).Value;
            Read(answer, model, batch, requestOptions.Dimensions, vectors);
        }
        catch (ClientResultException e) when (e.Status != 0)
        {
            Log.Unavailable(logger, this.options.BaseUrl!, model, e);
            throw new EmbeddingsUnavailableException($"The embeddings endpoint {this.options.BaseUrl} (model {model}) answered HTTP {e.Status}: {e.Message}", e.Status, e);
        }
        // The retry policy wraps the failures of its tries in an AggregateException when none of them got an answer.
        catch (Exception e) when (e is ClientResultException or AggregateException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.Unavailable(logger, this.options.BaseUrl!, model, e);
            throw new EmbeddingsUnavailableException($"The embeddings endpoint {this.options.BaseUrl} (model {model}) did not answer: {e.Message}", e);
        }
        // What the SDK throws for a 200 whose body is not an embeddings response: a proxy's error page, a broken server.
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            Log.Unavailable(logger, this.options.BaseUrl!, model, e);
            throw Invalid(model, $"something that is not an embeddings response ({e.Message})", e);
        }

        usage.InputTokenCount += answer.Usage?.InputTokenCount ?? 0;
        usage.TotalTokenCount += answer.Usage?.TotalTokenCount ?? 0;
    }

    private void Read(OpenAIEmbeddingCollection answer, string model, List<int> batch, int? dimensions, ReadOnlyMemory<float>?[] vectors)
    {
        if (answer.Count != batch.Count)
        {
            throw Invalid(model, $"{answer.Count} embeddings for {batch.Count} inputs");
        }

        foreach (var embedding in answer)
        {
            if (embedding.Index < 0 || embedding.Index >= batch.Count || vectors[batch[embedding.Index]] is not null)
            {
                throw Invalid(model, $"an embedding with index {embedding.Index} for {batch.Count} inputs");
            }

            var vector = embedding.ToFloats();
            if (vector.Length == 0 || vector.Length != (dimensions ?? vector.Length))
            {
                throw Invalid(model, $"a vector of {vector.Length} dimensions where {dimensions?.ToString(CultureInfo.InvariantCulture) ?? "some"} were asked for");
            }

            vectors[batch[embedding.Index]] = vector;
        }
    }

    // One call's vectors must be comparable with each other: a server that mixes lengths is broken.
    private int? Dimensions(ReadOnlyMemory<float>?[] vectors, string model)
    {
        int? dimensions = null;
        foreach (var vector in vectors)
        {
            if (vector is { Length: var length } && length != (dimensions ??= length))
            {
                throw Invalid(model, $"vectors of {dimensions} and {length} dimensions in one answer");
            }
        }

        return dimensions;
    }

    private EmbeddingsUnavailableException Invalid(string model, string what, Exception? cause = null) =>
        new($"The embeddings endpoint {options.BaseUrl} (model {model}) answered with {what}.", cause);
}
