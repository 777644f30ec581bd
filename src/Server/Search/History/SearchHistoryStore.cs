using System.Globalization;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Search.History;

/// <summary>A query the user searched before.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Query">The query as last typed.</param>
/// <param name="Mode">The mode it was last searched with.</param>
/// <param name="SearchedAt">When it was last searched.</param>
/// <param name="Count">How many times it was searched.</param>
public sealed record SearchHistoryEntry(string Id, string Query, RetrievalMode Mode, DateTimeOffset SearchedAt, int Count);

/// <summary>
/// Each user's past queries and whether they are kept. The same query typed again (whatever its case and spacing) is
/// one entry, searched once more. A user who opts out has nothing kept, and what was kept is deleted.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class SearchHistoryStore(AtomDatabase database, TimeProvider time)
{
    /// <summary>The most entries kept per user; the least recently searched go first.</summary>
    public const int MaxEntriesPerUser = 500;

    private const string Columns = "id AS Id, query AS Query, mode AS Mode, searched_at AS SearchedAt, count AS Count";

    /// <summary>Records a search, unless the user has opted out.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="query">The query.</param>
    /// <param name="mode">How it was searched.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was recorded.</returns>
    public Task<bool> RecordAsync(string tenantId, string userId, string query, RetrievalMode mode, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (!await EnabledAsync(c, t, tenantId, userId))
            {
                return false;
            }

            var now = Ms(time.GetUtcNow());
            await c.ExecuteAsync(
                "INSERT INTO search_history (tenant_id, id, user_id, query, normalized, mode, count, searched_at) " +
                "VALUES (@tenantId, @id, @userId, @query, @normalized, @mode, 1, @now) " +
                "ON CONFLICT (tenant_id, user_id, normalized) DO UPDATE SET query = @query, mode = @mode, count = search_history.count + 1, searched_at = @now",
                new { tenantId, id = NewId(), userId, query = query.Trim(), normalized = Normalize(query), mode = ModeName(mode), now }, t);

            // Past the cap, the least recently searched go. (An OFFSET without a limit: SQLite spells "no limit" -1.)
            var unlimited = database.Dialect == SqlDialect.Postgres ? "ALL" : "-1";
            await c.ExecuteAsync(
                "DELETE FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId AND id IN (" +
                $"SELECT id FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId ORDER BY searched_at DESC, id DESC LIMIT {unlimited} OFFSET @keep)",
                new { tenantId, userId, keep = MaxEntriesPerUser }, t);
            return true;
        }, cancellationToken);

    /// <summary>Lists a user's history, most recently searched first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="InvalidPageTokenException">The token is not one this list issued.</exception>
    public Task<Page<SearchHistoryEntry>> ListAsync(string tenantId, string userId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var scope = "search-history/" + userId;
        var after = PageToken.Decode(scope, page.PageToken);
        var split = after?.IndexOf('\n') ?? -1;
        if (after is not null && (split < 0 || !long.TryParse(after[..split], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new InvalidPageTokenException("is not a token this server issued.");
        }

        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = (await c.QueryAsync<EntryRow>(
                $"SELECT {Columns} FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId " +
                (after is null ? string.Empty : "AND (searched_at < @afterAt OR (searched_at = @afterAt AND id < @afterId)) ") +
                "ORDER BY searched_at DESC, id DESC LIMIT @limit",
                new
                {
                    tenantId,
                    userId,
                    afterAt = after is null ? 0 : long.Parse(after[..split], CultureInfo.InvariantCulture),
                    afterId = after?[(split + 1)..],
                    limit = size + 1,
                }, t)).Select(r => r.ToEntry()).ToList();
            return PageToken.ToPage(scope, rows, size, e => Ms(e.SearchedAt).ToString(CultureInfo.InvariantCulture) + "\n" + e.Id);
        }, cancellationToken);
    }

    /// <summary>Deletes entries of a user's history.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="ids">The entries; null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted.</returns>
    public Task<int> DeleteAsync(string tenantId, string userId, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ids is null
            ? c.ExecuteAsync("DELETE FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, t)
            : c.ExecuteAsync($"DELETE FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId AND {InList(c, "id", "@ids")}", new { tenantId, userId, ids = ids.ToArray() }, t),
            cancellationToken);

    /// <summary>Finds a user's past queries that start with some text, the most searched first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="prefix">The text.</param>
    /// <param name="limit">The most entries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    public Task<IReadOnlyList<SearchHistoryEntry>> FindByPrefixAsync(string tenantId, string userId, string prefix, int limit, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<SearchHistoryEntry>>(tenantId, async (c, t) => (await c.QueryAsync<EntryRow>(
            $"SELECT {Columns} FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId AND normalized LIKE @pattern ESCAPE '\\' " +
            "ORDER BY count DESC, searched_at DESC LIMIT @limit",
            new { tenantId, userId, pattern = StartsWithPattern(Normalize(prefix)), limit }, t)).Select(r => r.ToEntry()).ToList(), cancellationToken);

    /// <summary>Gets whether a user's queries are kept.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True unless they opted out.</returns>
    public Task<bool> IsEnabledAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => EnabledAsync(c, t, tenantId, userId), cancellationToken);

    /// <summary>Sets whether a user's queries are kept; turning it off deletes what was kept.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="enabled">Whether to keep them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The setting now.</returns>
    public Task<bool> SetEnabledAsync(string tenantId, string userId, bool enabled, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync(
                "INSERT INTO search_settings (tenant_id, user_id, history_enabled) VALUES (@tenantId, @userId, @enabled) " +
                "ON CONFLICT (tenant_id, user_id) DO UPDATE SET history_enabled = @enabled",
                new { tenantId, userId, enabled }, t);
            if (!enabled)
            {
                await c.ExecuteAsync("DELETE FROM search_history WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, t);
            }

            return enabled;
        }, cancellationToken);

    /// <summary>How a query is compared with past ones: lower case, single spaces.</summary>
    /// <param name="query">The query.</param>
    /// <returns>The normalized query.</returns>
    public static string Normalize(string query) =>
        string.Join(' ', (query ?? string.Empty).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static async Task<bool> EnabledAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, string tenantId, string userId) =>
        await c.QuerySingleOrDefaultAsync<bool?>(
            "SELECT history_enabled FROM search_settings WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, t) ?? true;

    private static string ModeName(RetrievalMode mode) => mode.ToString().ToLowerInvariant();

    private sealed class EntryRow
    {
        public string Id { get; set; } = string.Empty;

        public string Query { get; set; } = string.Empty;

        public string Mode { get; set; } = string.Empty;

        public long SearchedAt { get; set; }

        public long Count { get; set; }

        public SearchHistoryEntry ToEntry() => new(
            Id, Query, Enum.TryParse<RetrievalMode>(Mode, ignoreCase: true, out var mode) ? mode : RetrievalMode.Hybrid, Time(SearchedAt), (int)Count);
    }
}
