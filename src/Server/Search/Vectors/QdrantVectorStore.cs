using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Atom.Server.Search.Vectors.Internal;

namespace Atom.Server.Search.Vectors;

/// <summary>
/// The vector store on a Qdrant server, over its REST API. Collections use cosine distance and one unnamed vector per
/// point; string ids become name-based UUIDs (the id is kept in the payload); the tenant and filters travel as
/// <c>must</c> conditions (sets as <c>match any</c>) on payload fields that get keyword or integer indexes.
/// </summary>
/// <remarks>
/// Writes wait for Qdrant to apply them (<c>wait=true</c>), so a search after a write sees it. A network error, a timeout
/// or a 5xx (or 429) answer raises <see cref="VectorStoreUnavailableException"/>. Every hit is checked against the query's
/// tenant and filter once more here before it is returned.
/// </remarks>
public sealed class QdrantVectorStore : IVectorStore, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly QdrantOptions _options;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The settings; <see cref="QdrantOptions.Url"/> is required.</param>
    /// <param name="handler">The HTTP handler, which the store then owns; null for a pooled <see cref="SocketsHttpHandler"/>.</param>
    public QdrantVectorStore(QdrantOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Qdrant URL '{options.Url}' is not an absolute http or https URL.", nameof(options));
        }

        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            BaseAddress = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = options.Timeout,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Add("api-key", options.ApiKey);
        }
    }

    /// <inheritdoc/>
    public async Task EnsureCollectionAsync(string collection, int dimensions, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        VectorChecks.Dimensions(dimensions);
        // Asked of the server, not the cache: the collection may have been deleted behind this store's back.
        var existing = await FetchDimensionsAsync(collection, ct);
        if (existing is null)
        {
            var created = await SendAsync(HttpMethod.Put, Path(collection), QdrantJson.CreateCollection(dimensions), ct, HttpStatusCode.Conflict);
            created?.Dispose();

            // 409: created meanwhile by another node; its dimensions are checked below like any existing collection's.
            existing = created is null ? await FetchDimensionsAsync(collection, ct) : dimensions;
            foreach (var (field, schema) in QdrantJson.IndexedFields)
            {
                using var answer = await SendAsync(HttpMethod.Put, Path(collection, "index?wait=true"), QdrantJson.CreateIndex(field, schema), ct);
            }
        }

        if (existing != dimensions)
        {
            throw new VectorDimensionMismatchException(collection, existing ?? 0, dimensions);
        }

        _dimensions[collection] = dimensions;
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(string collection, IReadOnlyList<VectorPoint> points, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        var dimensions = await DimensionsAsync(collection, ct) ?? throw new VectorCollectionNotFoundException(collection);
        VectorChecks.Points(points, dimensions);
        foreach (var batch in points.Chunk(Math.Max(_options.UpsertBatch, 1)))
        {
            using var answer = await SendAsync(HttpMethod.Put, Path(collection, "points?wait=true"), QdrantJson.Upsert(batch), ct, HttpStatusCode.NotFound);
            if (answer is null)
            {
                _dimensions.TryRemove(collection, out _);
                throw new VectorCollectionNotFoundException(collection);
            }
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count > 0)
        {
            using var answer = await SendAsync(HttpMethod.Post, Path(collection, "points/delete?wait=true"), QdrantJson.DeleteIds(ids), ct, HttpStatusCode.NotFound);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteBySourceAsync(string collection, string tenantId, string sourceId, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(sourceId);
        using var answer = await SendAsync(
            HttpMethod.Post, Path(collection, "points/delete?wait=true"), QdrantJson.DeleteBySource(tenantId, sourceId), ct, HttpStatusCode.NotFound);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VectorHit>> SearchAsync(string collection, VectorQuery query, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        ArgumentNullException.ThrowIfNull(query);
        if (await DimensionsAsync(collection, ct) is not { } dimensions)
        {
            return [];
        }

        VectorChecks.Query(query, dimensions);
        if (VectorChecks.MatchesNothing(query))
        {
            return [];
        }

        using var answer = await SendAsync(HttpMethod.Post, Path(collection, "points/search"), QdrantJson.Search(query), ct, HttpStatusCode.NotFound);
        if (answer is null)
        {
            return [];
        }

        // The server filtered already; this is the last word on what may leave, whatever the server did.
        var hits = QdrantJson.Hits(answer.RootElement);
        hits.RemoveAll(hit => !VectorChecks.Accepts(query, hit.Payload));
        hits.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Id, b.Id));
        return hits.Count > query.Limit ? hits[..query.Limit] : hits;
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(string collection, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        using var answer = await SendAsync(HttpMethod.Post, Path(collection, "points/count"), QdrantJson.ExactCount(), ct, HttpStatusCode.NotFound);
        return answer is null ? 0 : QdrantJson.Count(answer.RootElement);
    }

    /// <inheritdoc/>
    public async Task DeleteCollectionAsync(string collection, CancellationToken ct)
    {
        VectorChecks.Collection(collection);
        _dimensions.TryRemove(collection, out _);
        using var answer = await SendAsync(HttpMethod.Delete, Path(collection), null, ct, HttpStatusCode.NotFound);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private string Path(string collection, string? rest = null) =>
        "collections/" + Uri.EscapeDataString(_options.CollectionPrefix + collection) + (rest is null ? string.Empty : "/" + rest);

    /// <summary>A collection's dimensions, asked of the server the first time; null when it does not exist.</summary>
    private async Task<int?> DimensionsAsync(string collection, CancellationToken ct) =>
        _dimensions.TryGetValue(collection, out var known) ? known : await FetchDimensionsAsync(collection, ct);

    private async Task<int?> FetchDimensionsAsync(string collection, CancellationToken ct)
    {
        using var answer = await SendAsync(HttpMethod.Get, Path(collection), null, ct, HttpStatusCode.NotFound);
        if (answer is null)
        {
            return null;
        }

        var dimensions = QdrantJson.Dimensions(answer.RootElement, collection);
        _dimensions[collection] = dimensions;
        return dimensions;
    }

    /// <summary>
    /// One request. The answer's JSON on success; null for a status in <paramref name="expected"/> (a collection that is not
    /// there, or already is). Unreachable or failing servers raise <see cref="VectorStoreUnavailableException"/>; any other
    /// refusal is a bug on this side and raises <see cref="InvalidOperationException"/> with Qdrant's reason.
    /// </summary>
    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken ct, params HttpStatusCode[] expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(bytes);
            }

            if (expected.Contains(response.StatusCode))
            {
                return null;
            }

            var reason = QdrantJson.Error(bytes) ?? response.ReasonPhrase;
            var what = $"Qdrant answered {method} /{path} with {(int)response.StatusCode} {reason}";
            throw (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
                ? new VectorStoreUnavailableException(what)
                : new InvalidOperationException(what);
        }
        catch (HttpRequestException ex)
        {
            throw new VectorStoreUnavailableException($"Qdrant at {_http.BaseAddress} cannot be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new VectorStoreUnavailableException($"Qdrant at {_http.BaseAddress} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (JsonException ex)
        {
            throw new VectorStoreUnavailableException($"Qdrant at {_http.BaseAddress} answered {method} /{path} with something other than JSON.", ex);
        }
    }
}
