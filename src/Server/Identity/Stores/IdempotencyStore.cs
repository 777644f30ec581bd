using System.Data.Common;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>
/// Replies to mutations, remembered by (tenant, principal, request_id, method): a retried request with a
/// request_id already seen gets the first reply instead of a second effect.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class IdempotencyStore(AtomDatabase database, TimeProvider time)
{
    /// <summary>Gets the reply remembered for a request.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="principalId">The caller.</param>
    /// <param name="requestId">The client's request_id.</param>
    /// <param name="method">The full method name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The serialized reply, or null when the request is new.</returns>
    public Task<byte[]?> FindAsync(string tenantId, string principalId, string requestId, string method, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => c.QuerySingleOrDefaultAsync<byte[]?>(
            "SELECT response FROM idempotency_keys WHERE tenant_id = @tenantId AND principal_id = @principalId AND request_id = @requestId AND method = @method",
            new { tenantId, principalId, requestId, method }, t), cancellationToken);

    /// <summary>Remembers the reply to a request; the first reply stored wins.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="principalId">The caller.</param>
    /// <param name="requestId">The client's request_id.</param>
    /// <param name="method">The full method name.</param>
    /// <param name="response">The serialized reply.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply now stored: <paramref name="response"/>, or the one stored first by a concurrent request.</returns>
    public Task<byte[]> SaveAsync(string tenantId, string principalId, string requestId, string method, byte[] response, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var key = new { tenantId, principalId, requestId, method, response, now = Ms(time.GetUtcNow()) };
            await c.ExecuteAsync(
                "INSERT INTO idempotency_keys (tenant_id, principal_id, request_id, method, response, created_at) " +
                "VALUES (@tenantId, @principalId, @requestId, @method, @response, @now) ON CONFLICT DO NOTHING", key, t);
            return await c.QuerySingleAsync<byte[]>(
                "SELECT response FROM idempotency_keys WHERE tenant_id = @tenantId AND principal_id = @principalId AND request_id = @requestId AND method = @method", key, t);
        }, cancellationToken);

    /// <summary>
    /// Claims a request inside the transaction that performs it, so the effect and the memory of it commit
    /// together. A concurrent claim of the same request waits for the first transaction (PostgreSQL blocks on the
    /// unique key; SQLite has one writer) and then gets its reply.
    /// </summary>
    /// <returns>Null when this transaction now owns the request; otherwise the reply stored by the one that did.</returns>
    internal async Task<byte[]?> ClaimAsync(DbConnection connection, DbTransaction transaction, string tenantId, string principalId, string requestId, string method)
    {
        var key = new { tenantId, principalId, requestId, method, response = Array.Empty<byte>(), now = Ms(time.GetUtcNow()) };
        var claimed = await connection.ExecuteAsync(
            "INSERT INTO idempotency_keys (tenant_id, principal_id, request_id, method, response, created_at) " +
            "VALUES (@tenantId, @principalId, @requestId, @method, @response, @now) ON CONFLICT DO NOTHING", key, transaction);
        return claimed == 1
            ? null
            : await connection.QuerySingleAsync<byte[]>(
                "SELECT response FROM idempotency_keys WHERE tenant_id = @tenantId AND principal_id = @principalId AND request_id = @requestId AND method = @method", key, transaction);
    }

    /// <summary>Stores the reply to a request claimed by <see cref="ClaimAsync"/> in the same transaction.</summary>
    /// <returns>A task.</returns>
    internal static Task CompleteAsync(DbConnection connection, DbTransaction transaction, string tenantId, string principalId, string requestId, string method, byte[] response) =>
        connection.ExecuteAsync(
            "UPDATE idempotency_keys SET response = @response WHERE tenant_id = @tenantId AND principal_id = @principalId AND request_id = @requestId AND method = @method",
            new { tenantId, principalId, requestId, method, response }, transaction);

    /// <summary>Forgets replies older than <paramref name="before"/> (platform housekeeping).</summary>
    /// <param name="before">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of replies forgotten.</returns>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync((c, t) => c.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @before", new { before = Ms(before) }, t), cancellationToken);
}
