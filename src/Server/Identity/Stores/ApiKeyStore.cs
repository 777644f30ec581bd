using System.Data.Common;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>A stored API key found by its secret, with what validation needs to know about its principal and tenant.</summary>
/// <param name="Key">The key.</param>
/// <param name="PrincipalExists">Whether its user or service account still exists.</param>
/// <param name="PrincipalDisabled">Whether its user or service account is disabled.</param>
/// <param name="TenantDisabled">Whether its tenant is disabled.</param>
public sealed record StoredApiKey(ApiKey Key, bool PrincipalExists, bool PrincipalDisabled, bool TenantDisabled);

/// <summary>API keys (rows only; <see cref="Credentials.ApiKeyService"/> makes and checks secrets).</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="changes">Bumped when a change can end or narrow someone's access.</param>
public sealed class ApiKeyStore(AtomDatabase database, TimeProvider time, AccessChanges changes)
{
    private const string Columns =
        "k.id AS Id, k.tenant_id AS TenantId, k.principal_id AS PrincipalId, k.principal_kind AS PrincipalKind, k.name AS Name, k.prefix AS Prefix, " +
        "k.scopes AS Scopes, k.created_at AS CreatedAt, k.expires_at AS ExpiresAt, k.last_used_at AS LastUsedAt, k.revoked_at AS RevokedAt";

    /// <summary>Stores a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="secretHash">The SHA-256 hex of its secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task InsertAsync(ApiKey key, string secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.InTenantAsync(key.TenantId, async (c, t) =>
        {
            await InsertAsync(c, t, key, secretHash);
            return true;
        }, cancellationToken);
    }

    /// <summary>Stores a key inside a transaction the caller runs (bootstrap).</summary>
    internal static async Task InsertAsync(DbConnection c, DbTransaction t, ApiKey key, string secretHash)
    {
        try
        {
            await c.ExecuteAsync(
                "INSERT INTO api_keys (id, tenant_id, principal_id, principal_kind, name, prefix, secret_hash, scopes, created_at, expires_at) " +
                "VALUES (@Id, @TenantId, @PrincipalId, @kind, @Name, @Prefix, @secretHash, @scopes, @createdAt, @expiresAt)",
                new
                {
                    key.Id, key.TenantId, key.PrincipalId, kind = KindName(key.PrincipalKind), key.Name, key.Prefix, secretHash,
                    scopes = string.Join(' ', key.Scopes), createdAt = Ms(key.CreatedAt), expiresAt = Ms(key.ExpiresAt),
                }, t);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("API key", "secret", key.Prefix, e);
        }
    }

    /// <summary>Finds a key by the hash of its secret, across tenants (platform: the secret is all a caller presents).</summary>
    /// <param name="secretHash">The SHA-256 hex of the secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key with its principal's and tenant's state, or null.</returns>
    public Task<StoredApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<KeyRow>(
                $"SELECT {Columns}, " +
                "CASE WHEN u.id IS NOT NULL OR s.id IS NOT NULL THEN 1 ELSE 0 END AS PrincipalExists, " +
                "CASE WHEN u.disabled_at IS NOT NULL OR s.disabled_at IS NOT NULL THEN 1 ELSE 0 END AS PrincipalDisabled, " +
                "CASE WHEN tn.disabled_at IS NOT NULL THEN 1 ELSE 0 END AS TenantDisabled " +
                "FROM api_keys k " +
                "LEFT JOIN users u ON k.principal_kind = 'user' AND u.tenant_id = k.tenant_id AND u.id = k.principal_id " +
                "LEFT JOIN service_accounts s ON k.principal_kind = 'service_account' AND s.tenant_id = k.tenant_id AND s.id = k.principal_id " +
                "LEFT JOIN tenants tn ON tn.id = k.tenant_id " +
                "WHERE k.secret_hash = @secretHash", new { secretHash }, t);
            return row is null ? null : new StoredApiKey(Map(row), row.PrincipalExists == 1, row.PrincipalDisabled == 1, row.TenantDisabled == 1);
        }, cancellationToken);

    /// <summary>Gets a key of the tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key, or null.</returns>
    public Task<ApiKey?> GetAsync(string tenantId, string keyId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<KeyRow>($"SELECT {Columns} FROM api_keys k WHERE k.tenant_id = @tenantId AND k.id = @keyId", new { tenantId, keyId }, t);
            return row is null ? null : Map(row);
        }, cancellationToken);

    /// <summary>Lists the tenant's keys by id, optionally of one principal.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="principalId">Only this principal's keys, or null for all.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<ApiKey>> ListAsync(string tenantId, string? principalId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var scope = "api_keys/" + principalId;
        var after = PageToken.Decode(scope, page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = await c.QueryAsync<KeyRow>(
                $"SELECT {Columns} FROM api_keys k WHERE k.tenant_id = @tenantId AND (@principalId IS NULL OR k.principal_id = @principalId) " +
                "AND (@after IS NULL OR k.id > @after) ORDER BY k.id LIMIT @limit",
                new { tenantId, principalId, after, limit = size + 1 }, t);
            return PageToken.ToPage(scope, rows.Select(Map).ToList(), size, k => k.Id);
        }, cancellationToken);
    }

    /// <summary>Revokes a key.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key after the change (revoked at the first revocation's time), or null when there is no such key.</returns>
    public async Task<ApiKey?> RevokeAsync(string tenantId, string keyId, CancellationToken cancellationToken = default)
    {
        var result = await database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE tenant_id = @tenantId AND id = @keyId AND revoked_at IS NULL",
                new { tenantId, keyId, now = Ms(time.GetUtcNow()) }, t);
            var row = await c.QuerySingleOrDefaultAsync<KeyRow>($"SELECT {Columns} FROM api_keys k WHERE k.tenant_id = @tenantId AND k.id = @keyId", new { tenantId, keyId }, t);
            return row is null ? null : Map(row);
        }, cancellationToken);
        changes.Changed();
        return result;
    }

    /// <summary>Records a use of a key, at most once per <paramref name="granularity"/> so busy keys do not write on every call.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key.</param>
    /// <param name="granularity">The least time between two recorded uses.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the use was written.</returns>
    public Task<bool> TouchAsync(string tenantId, string keyId, TimeSpan granularity, CancellationToken cancellationToken = default)
    {
        var now = Ms(time.GetUtcNow());
        return database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "UPDATE api_keys SET last_used_at = @now WHERE tenant_id = @tenantId AND id = @keyId AND (last_used_at IS NULL OR last_used_at <= @before)",
            new { tenantId, keyId, now, before = now - (long)granularity.TotalMilliseconds }, t) == 1, cancellationToken);
    }

    private static ApiKey Map(KeyRow r) => new(
        r.Id, r.TenantId, r.PrincipalId, ParseKind(r.PrincipalKind), r.Name, r.Prefix,
        r.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), Time(r.CreatedAt), Time(r.ExpiresAt), Time(r.LastUsedAt), Time(r.RevokedAt));

    private sealed class KeyRow
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string PrincipalId { get; set; } = string.Empty;

        public string PrincipalKind { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string Prefix { get; set; } = string.Empty;

        public string Scopes { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? ExpiresAt { get; set; }

        public long? LastUsedAt { get; set; }

        public long? RevokedAt { get; set; }

        public long PrincipalExists { get; set; }

        public long PrincipalDisabled { get; set; }

        public long TenantDisabled { get; set; }
    }
}
