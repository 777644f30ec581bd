using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Index;
using Atom.Server.Search.Indexing;
using Atom.Server.Search.Text;
using Atom.Server.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Search;

/// <summary>
/// Finds messages and files by their words and by their meaning. The keyword side is the store's full-text search
/// (<see cref="ChunkStore"/>); the semantic side embeds the query and asks the <see cref="SearchVectorIndex"/>. The two
/// rankings are fused by reciprocal rank (each result scores <c>Σ 1 / (k + rank)</c> over the lists it is in), which
/// needs no calibration between BM25 and cosine scores. Results are sources, not chunks: a long file is one result,
/// ranked by its best chunk, with its best passages as snippets.
/// </summary>
/// <param name="chunks">The indexed chunks.</param>
/// <param name="vectors">Their embeddings.</param>
/// <param name="embeddings">Embeds the query.</param>
/// <param name="synonyms">What the query's words are widened with.</param>
/// <param name="rebuild">Whether the vector index is complete.</param>
/// <param name="options">The search settings.</param>
/// <param name="logger">The logger.</param>
public sealed partial class SearchEngine(
    ChunkStore chunks,
    SearchVectorIndex vectors,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    SynonymTable synonyms,
    VectorIndexRebuild rebuild,
    IOptions<SearchOptions> options,
    ILogger<SearchEngine> logger)
{
    // Snippets per result: enough to show why it matched, few enough to scan a page of results.
    private const int SnippetsPerHit = 2;

    private readonly SearchOptions settings = options.Value;

    // When the semantic side is down every search notices: one warning a minute says so, not one per search.
    private long _warnedAt = -60_000;

    /// <summary>Searches.</summary>
    /// <param name="query">What to find, where, and how many.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The results, best first, and how they were found.</returns>
    public async Task<SearchOutcome> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parsed = KeywordQuery.Parse(query.Text);
        var (keyword, expanded) = parsed.Expand(synonyms.Of);

        // Each side offers more chunks than results asked for: chunks of one source fold into one result, and the
        // other side's ranking may lift a source that is low on this one.
        var pool = Math.Clamp(query.Limit * 3, 30, 600);
        var keywordHits = query.Mode == RetrievalMode.Semantic ? [] : await KeywordAsync(keyword, query.Filter, pool, cancellationToken);
        var semantic = query.Mode == RetrievalMode.Keyword ? new SemanticSide([], null) : await SemanticAsync(query.Text, query.Filter, pool, cancellationToken);

        // A semantic search whose semantic side is down still answers with keywords, as the degraded flag says.
        if (query.Mode == RetrievalMode.Semantic && semantic.DegradedReason is not null)
        {
            keywordHits = await KeywordAsync(keyword, query.Filter, pool, cancellationToken);
        }

        var mode = semantic.DegradedReason is not null ? RetrievalMode.Keyword : query.Mode;
        var hits = Fuse(keywordHits, semantic.Hits, parsed.Words, query.Limit);
        return new SearchOutcome(hits, mode, semantic.DegradedReason, query.Mode == RetrievalMode.Semantic ? [] : expanded);
    }

    private async Task<IReadOnlyList<KeywordHit>> KeywordAsync(KeywordQuery keyword, ChunkFilter filter, int pool, CancellationToken cancellationToken)
    {
        var hits = await chunks.SearchAsync(keyword, filter, pool, cancellationToken);
        var relaxed = keyword.Relaxed();
        if (hits.Count >= pool || ReferenceEquals(relaxed, keyword))
        {
            return hits;
        }

        // Too few chunks have every word: chunks with some of them follow (BM25 already ranks those with more first).
        var seen = hits.Select(h => h.Chunk.Id).ToHashSet(StringComparer.Ordinal);
        var more = await chunks.SearchAsync(relaxed, filter, pool, cancellationToken);
        return [.. hits, .. more.Where(h => !seen.Contains(h.Chunk.Id)).Take(pool - hits.Count)];
    }

    private async Task<SemanticSide> SemanticAsync(string text, ChunkFilter filter, int pool, CancellationToken cancellationToken)
    {
        if (rebuild.Progress is { } progress)
        {
            return new SemanticSide([], progress.Total == 0
                ? "the vector index is being checked at start-up"
                : $"the vector index is being rebuilt from the store ({progress.Done:N0} of {progress.Total:N0} chunks)");
        }

        try
        {
            var vector = (await embeddings.GenerateAsync([text], cancellationToken: cancellationToken))[0];
            if (vector.IsZero())
            {
                // No word of the query is known to the model: nothing is near it, which is an answer, not a failure.
                return new SemanticSide([], null);
            }

            // Authors and file types are not in the vectors' payload: more candidates, then the store re-checks them.
            var narrowed = filter.AuthorIds is not null || filter.FileTypes is { Count: > 0 };
            var found = await vectors.SearchAsync(vector.Vector, filter, narrowed ? pool * 4 : pool, cancellationToken);
            var near = found.Where(h => h.Score >= settings.MinSimilarity).ToList();
            if (near.Count == 0)
            {
                return new SemanticSide([], null);
            }

            // The store is the source of truth for access: a vector is only a pointer to a chunk that must still pass.
            var byId = (await chunks.GetAsync([.. near.Select(h => h.Id)], filter, cancellationToken)).ToDictionary(c => c.Id, StringComparer.Ordinal);
            return new SemanticSide([.. near.Where(h => byId.ContainsKey(h.Id)).Select(h => (byId[h.Id], (double)h.Score))], null);
        }
        catch (EmbeddingsUnavailableException e)
        {
            Warn("embeddings", e.Message);
            return new SemanticSide([], "embeddings are unavailable: " + e.Message);
        }
        catch (VectorStoreUnavailableException e)
        {
            Warn("vector store", e.Message);
            return new SemanticSide([], "the vector store is unavailable: " + e.Message);
        }
    }

    private void Warn(string component, string reason)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _warnedAt);
        if (now - last >= 60_000 && Interlocked.CompareExchange(ref _warnedAt, now, last) == last)
        {
            Log.SemanticUnavailable(logger, component, reason);
        }
    }

    private List<SearchHit> Fuse(IReadOnlyList<KeywordHit> keywordHits, IReadOnlyList<(SearchChunk Chunk, double Similarity)> semanticHits, IReadOnlyList<string> words, int limit)
    {
        var results = new Dictionary<string, Fused>(StringComparer.Ordinal);
        Fused Of(SearchChunk chunk)
        {
            var key = SearchChunk.NameOf(chunk.Kind) + ":" + chunk.SourceId;
            if (!results.TryGetValue(key, out var fused))
            {
                results[key] = fused = new Fused(chunk);
            }

            return fused;
        }

        // A source's rank in a list is that of its best chunk.
        var rank = 0;
        foreach (var hit in keywordHits)
        {
            var fused = Of(hit.Chunk);
            if (fused.KeywordRank == 0)
            {
                fused.KeywordRank = ++rank;
                fused.Best = hit.Chunk;
            }

            if (fused.Snippets.Count < SnippetsPerHit && hit.Snippet.Text.Length > 0)
            {
                fused.Snippets.Add(hit.Snippet);
            }
        }

        rank = 0;
        foreach (var (chunk, _) in semanticHits)
        {
            var fused = Of(chunk);
            if (fused.SemanticRank == 0)
            {
                fused.SemanticRank = ++rank;
                if (fused.KeywordRank == 0)
                {
                    fused.Best = chunk;
                }
            }

            if (fused.KeywordRank == 0 && fused.Snippets.Count < SnippetsPerHit && chunk.Body.Length > 0)
            {
                fused.Snippets.Add(MarkedText.Excerpt(chunk.Body, words));
            }
        }

        double Score(Fused f) => (f.KeywordRank > 0 ? 1.0 / (settings.FusionK + f.KeywordRank) : 0)
            + (f.SemanticRank > 0 ? settings.SemanticWeight / (settings.FusionK + f.SemanticRank) : 0);
        return [.. results.Values
            .Select(f => new SearchHit(f.Best, Score(f), f is { KeywordRank: > 0, SemanticRank: > 0 } ? HitMatch.Both : f.KeywordRank > 0 ? HitMatch.Keyword : HitMatch.Semantic, f.Snippets))
            .OrderByDescending(h => h.Score)
            .ThenByDescending(h => h.Chunk.CreatedAt)
            .ThenBy(h => h.Chunk.SourceId, StringComparer.Ordinal)
            .Take(limit)];
    }

    private sealed class Fused(SearchChunk best)
    {
        public SearchChunk Best { get; set; } = best;

        public int KeywordRank { get; set; }

        public int SemanticRank { get; set; }

        public List<MarkedText> Snippets { get; } = [];
    }

    private sealed record SemanticSide(IReadOnlyList<(SearchChunk Chunk, double Similarity)> Hits, string? DegradedReason);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Search answers with keywords alone: the {Component} is unavailable ({Reason})")]
        public static partial void SemanticUnavailable(ILogger logger, string component, string reason);
    }
}
