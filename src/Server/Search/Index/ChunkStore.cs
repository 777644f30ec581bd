using System.Data.Common;
using System.Globalization;
using System.Text;
using Atom.Server.Search.Text;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Search.Index;

/// <summary>
/// The indexed chunks and their full-text search: FTS5 with BM25 on SQLite, a tsvector with GIN and ts_rank_cd on
/// PostgreSQL. A source (a message or a file) is always replaced whole, so an edit or a delete leaves no stale chunk.
/// </summary>
/// <param name="database">The store.</param>
public sealed class ChunkStore(AtomDatabase database)
{
    // The text search configurations a query is read with on PostgreSQL: chunks are stemmed by their own language, and a
    // tsquery must be stemmed the same way to meet them, so it is read in every language a chunk can have.
    private static readonly IReadOnlyList<string> QueryLanguages = LanguageDetector.Languages;

    // PostgreSQL's language is a regconfig, read back as its name.
    private static string Columns(string languageCast) =>
        "c.tenant_id AS TenantId, c.source_kind AS SourceKind, c.source_id AS SourceId, c.chunk AS Chunk, c.scope AS Scope, c.room_id AS RoomId, " +
        "c.author_id AS AuthorId, c.category AS Category, c.media_type AS MediaType, c.type_label AS TypeLabel, c.title AS Title, c.body AS Body, " +
        $"c.language{languageCast} AS Language, c.sequence AS Sequence, c.created_at AS CreatedAt";

    /// <summary>Replaces every chunk of a source with <paramref name="chunks"/> (none: the source is no longer indexed).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="sourceId">The message or file.</param>
    /// <param name="chunks">Its chunks now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The scopes the source was and is now in: where what can be found has changed.</returns>
    public Task<IReadOnlyCollection<string>> ReplaceSourceAsync(string tenantId, string sourceId, IReadOnlyList<SearchChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return database.InTenantAsync<IReadOnlyCollection<string>>(tenantId, async (c, t) =>
        {
            var scopes = (await c.QueryAsync<string>(
                "SELECT DISTINCT scope FROM search_chunks WHERE tenant_id = @tenantId AND source_id = @sourceId", new { tenantId, sourceId }, t)).ToHashSet(StringComparer.Ordinal);
            scopes.UnionWith(chunks.Select(chunk => chunk.Scope));
            await c.ExecuteAsync("DELETE FROM search_chunks WHERE tenant_id = @tenantId AND source_id = @sourceId", new { tenantId, sourceId }, t);
            var language = database.Dialect == SqlDialect.Postgres ? "CAST(@Language AS regconfig)" : "@Language";
            foreach (var chunk in chunks)
            {
                await c.ExecuteAsync(
                    "INSERT INTO search_chunks (tenant_id, id, source_kind, source_id, chunk, scope, room_id, author_id, category, media_type, type_label, title, body, language, sequence, created_at, embedding) " +
                    $"VALUES (@TenantId, @Id, @kind, @SourceId, @Chunk, @Scope, @RoomId, @AuthorId, @Category, @MediaType, @TypeLabel, @title, @body, {language}, @Sequence, @createdAt, @embedding)",
                    new
                    {
                        chunk.TenantId, chunk.Id, kind = SearchChunk.NameOf(chunk.Kind), chunk.SourceId, chunk.Chunk, chunk.Scope, chunk.RoomId, chunk.AuthorId, chunk.Category,
                        chunk.MediaType, chunk.TypeLabel, title = Clean(chunk.Title), body = Clean(chunk.Body), chunk.Language, chunk.Sequence, createdAt = Ms(chunk.CreatedAt),
                        embedding = chunk.Embedding is { } vector ? VectorBytes(vector) : null,
                    }, t);
            }

            return scopes;
        }, cancellationToken);
    }

    /// <summary>Finds the chunks whose words match a query, best first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="filter">What may be seen.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits with a snippet each.</returns>
    public async Task<IReadOnlyList<KeywordHit>> SearchAsync(KeywordQuery query, ChunkFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        if (query.IsEmpty || filter.Scopes.Count == 0)
        {
            return [];
        }

        return await database.InTenantAsync(filter.TenantId, async (c, t) =>
        {
            var (sql, args) = Build(c, query, filter, limit);
            return (await c.QueryAsync<HitRow>(sql, args, t)).Select(r => r.ToHit()).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Gets chunks by id that pass a filter: what a vector search found, re-checked against the store (the source of
    /// truth for access, authors and file types) and with the text for its snippets.
    /// </summary>
    /// <param name="ids">The chunk ids.</param>
    /// <param name="filter">What may be seen.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chunks that exist and pass, in no particular order.</returns>
    public async Task<IReadOnlyList<SearchChunk>> GetAsync(IReadOnlyCollection<string> ids, ChunkFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(filter);
        if (ids.Count == 0 || filter.Scopes.Count == 0)
        {
            return [];
        }

        return await database.InTenantAsync(filter.TenantId, async (c, t) =>
        {
            var args = new DynamicParameters(new { tenantId = filter.TenantId, ids = ids.ToArray() });
            var sql = new StringBuilder("SELECT ")
                .Append(Columns(database.Dialect == SqlDialect.Postgres ? "::text" : string.Empty))
                .Append(", 0.0 AS Score, '' AS Snippet FROM search_chunks c WHERE c.tenant_id = @tenantId AND ")
                .Append(InList(c, "c.id", "@ids"));
            Where(c, sql, args, filter);
            return (await c.QueryAsync<HitRow>(sql.ToString(), args, t)).Select(r => r.ToHit().Chunk).ToList();
        }, cancellationToken);
    }

    /// <summary>Finds files whose name starts with some text, among the scopes a caller may read.</summary>
    /// <param name="filter">What may be seen (its scopes).</param>
    /// <param name="prefix">The text, matched case-insensitively.</param>
    /// <param name="limit">The most files.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The files' ids and names, newest first.</returns>
    public async Task<IReadOnlyList<(string Id, string Name)>> FindFileNamesAsync(ChunkFilter filter, string prefix, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Scopes.Count == 0)
        {
            return [];
        }

        return await database.InTenantAsync<IReadOnlyList<(string, string)>>(filter.TenantId, async (c, t) => (await c.QueryAsync<(string, string)>(
            "SELECT c.source_id, c.title FROM search_chunks c WHERE c.tenant_id = @tenantId AND c.source_kind = 'file' AND c.chunk = 0 " +
            $"AND lower(c.title) LIKE @pattern ESCAPE '\\' AND {InList(c, "c.scope", "@scopes")} ORDER BY c.created_at DESC LIMIT @limit",
            new { tenantId = filter.TenantId, pattern = StartsWithPattern(prefix), scopes = filter.Scopes.ToArray(), limit }, t)).ToList(), cancellationToken);
    }

    /// <summary>Counts the chunks of every tenant that have an embedding, by the embedding's dimensions.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Dimensions → how many chunks.</returns>
    public Task<IReadOnlyDictionary<int, long>> CountEmbeddedAsync(CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync<IReadOnlyDictionary<int, long>>(async (c, t) =>
        {
            var length = database.Dialect == SqlDialect.Postgres ? "octet_length(embedding)" : "length(embedding)";
            var rows = await c.QueryAsync<(long Bytes, long Count)>(
                $"SELECT {length} AS Bytes, COUNT(*) AS Count FROM search_chunks WHERE embedding IS NOT NULL GROUP BY {length}", transaction: t);
            return rows.ToDictionary(r => (int)(r.Bytes / sizeof(float)), r => r.Count);
        }, cancellationToken);

    /// <summary>
    /// Reads the embedded chunks of every tenant in (tenant, id) order, a batch at a time: what a vector index is
    /// rebuilt from when it was lost.
    /// </summary>
    /// <param name="after">The (tenant, id) of the last chunk of the previous batch; null for the first.</param>
    /// <param name="batch">The most chunks to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chunks, each with its <see cref="SearchChunk.Embedding"/>; fewer than <paramref name="batch"/> at the end.</returns>
    public Task<IReadOnlyList<SearchChunk>> ReadEmbeddedAsync((string TenantId, string Id)? after, int batch, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync<IReadOnlyList<SearchChunk>>(async (c, t) =>
        {
            var sql = new StringBuilder("SELECT ")
                .Append(Columns(database.Dialect == SqlDialect.Postgres ? "::text" : string.Empty))
                .Append(", c.embedding AS Embedding FROM search_chunks c WHERE c.embedding IS NOT NULL");
            if (after is not null)
            {
                sql.Append(" AND (c.tenant_id > @tenantId OR (c.tenant_id = @tenantId AND c.id > @id))");
            }

            sql.Append(" ORDER BY c.tenant_id, c.id LIMIT @batch");
            var rows = await c.QueryAsync<HitRow>(sql.ToString(), new { tenantId = after?.TenantId, id = after?.Id, batch }, t);
            return rows.Select(r => r.ToHit().Chunk with { Embedding = r.Embedding is { } bytes ? VectorOf(bytes) : null }).ToList();
        }, cancellationToken);

    private (string Sql, DynamicParameters Args) Build(DbConnection connection, KeywordQuery query, ChunkFilter filter, int limit)
    {
        var args = new DynamicParameters(new { tenantId = filter.TenantId, limit });
        var sql = new StringBuilder("SELECT ");
        if (database.Dialect == SqlDialect.Postgres)
        {
            // One tsquery per configuration, OR-ed: a chunk stemmed as English meets the English reading of the query.
            args.Add("q", query.ToTsQuery());
            var tsquery = string.Join(" || ", QueryLanguages.Select(l => $"to_tsquery('{l}', @q)"));
            sql.Append(Columns("::text"))
                .Append(", ts_rank_cd(c.tsv, q.query, 32) AS Score, ")
                .Append(CultureInfo.InvariantCulture, $"ts_headline(c.language, c.body, q.query, 'StartSel={MarkedText.Open}, StopSel={MarkedText.Close}, MaxWords=30, MinWords=12, MaxFragments=1') AS Snippet ")
                .Append(CultureInfo.InvariantCulture, $"FROM search_chunks c, (SELECT {tsquery} AS query) q WHERE c.tenant_id = @tenantId AND c.tsv @@ q.query");
        }
        else
        {
            args.Add("q", query.ToFts5());
            sql.Append(Columns(string.Empty))
                .Append(", -bm25(search_fts, 4.0, 1.0) AS Score, ")
                .Append(CultureInfo.InvariantCulture, $"snippet(search_fts, 1, char({(int)MarkedText.Open}), char({(int)MarkedText.Close}), '…', 24) AS Snippet ")
                .Append("FROM search_fts JOIN search_chunks c ON c.rowid = search_fts.rowid WHERE search_fts MATCH @q AND c.tenant_id = @tenantId");
        }

        Where(connection, sql, args, filter);
        // A total order: pages of a search are cut from longer and longer prefixes of it, which must agree.
        sql.Append(" ORDER BY Score DESC, c.created_at DESC, c.id LIMIT @limit");
        return (sql.ToString(), args);
    }

    private static void Where(DbConnection connection, StringBuilder sql, DynamicParameters args, ChunkFilter filter)
    {
        Narrow(connection, sql, args, "c.scope", "scopes", filter.Scopes);
        Narrow(connection, sql, args, "c.source_kind", "kinds", filter.Kinds?.Select(SearchChunk.NameOf).ToList());
        Narrow(connection, sql, args, "c.author_id", "authors", filter.AuthorIds);
        if (filter.FileTypes is { Count: > 0 } types)
        {
            args.Add("types", types.Select(t => t.ToLowerInvariant()).ToArray());
            sql.Append(CultureInfo.InvariantCulture,
                $" AND c.source_kind = 'file' AND ({InList(connection, "lower(c.media_type)", "@types")} OR {InList(connection, "lower(c.type_label)", "@types")} OR {InList(connection, "lower(c.category)", "@types")})");
        }

        if (filter.CreatedFrom is { } from)
        {
            sql.Append(" AND c.created_at >= @from");
            args.Add("from", Ms(from));
        }

        if (filter.CreatedBefore is { } before)
        {
            sql.Append(" AND c.created_at < @before");
            args.Add("before", Ms(before));
        }
    }

    private static void Narrow(DbConnection connection, StringBuilder sql, DynamicParameters args, string column, string name, IReadOnlyCollection<string>? values)
    {
        if (values is null)
        {
            return;
        }

        args.Add(name, values.ToArray());
        sql.Append(" AND ").Append(InList(connection, column, "@" + name));
    }

    /// <summary>Reads a stored embedding back.</summary>
    /// <param name="bytes">The column's bytes.</param>
    /// <returns>The vector.</returns>
    public static float[] VectorOf(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    // float32, little-endian, as every platform .NET runs Atom on stores them.
    private static byte[] VectorBytes(float[] vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    // The engines mark matches with these; stored text that held them would confuse the marks.
    private static string Clean(string text) => text.Replace(MarkedText.Open, ' ').Replace(MarkedText.Close, ' ');

    private sealed class HitRow
    {
        public string TenantId { get; set; } = string.Empty;

        public string SourceKind { get; set; } = string.Empty;

        public string SourceId { get; set; } = string.Empty;

        public long Chunk { get; set; }

        public string Scope { get; set; } = string.Empty;

        public string RoomId { get; set; } = string.Empty;

        public string AuthorId { get; set; } = string.Empty;

        public string Category { get; set; } = string.Empty;

        public string MediaType { get; set; } = string.Empty;

        public string TypeLabel { get; set; } = string.Empty;

        public string Title { get; set; } = string.Empty;

        public string Body { get; set; } = string.Empty;

        public string Language { get; set; } = string.Empty;

        public long Sequence { get; set; }

        public long CreatedAt { get; set; }

        public double Score { get; set; }

        public string Snippet { get; set; } = string.Empty;

        public byte[]? Embedding { get; set; }

        public KeywordHit ToHit() => new(
            new SearchChunk(TenantId, SourceKind == "message" ? Index.SourceKind.Message : Index.SourceKind.File, SourceId, (int)Chunk, Scope, RoomId, AuthorId,
                Category, MediaType, TypeLabel, Title, Body, Language, Sequence, Time(CreatedAt)),
            Score,
            MarkedText.Parse(Snippet));
    }
}
