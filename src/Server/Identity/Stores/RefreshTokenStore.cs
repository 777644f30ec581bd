using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>A stored refresh token (never the token itself, only its hash).</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="FamilyId">The family: every token rotated from one sign-in.</param>
/// <param name="UserId">The user.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="UsedAt">When it was exchanged for its successor, or null.</param>
/// <param name="RevokedAt">When its family was revoked, or null.</param>
/// <param name="UserDisabled">Whether its user is disabled (or gone).</param>
public sealed record StoredRefreshToken(
    string Id, string TenantId, string FamilyId, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt, DateTimeOffset? RevokedAt, bool UserDisabled);

/// <summary>Refresh tokens (rows only; <see cref="Credentials.RefreshTokenService"/> implements rotation).</summary>
/// <param name="database">The store.</param>
public sealed class RefreshTokenStore(AtomDatabase database)
{
    /// <summary>Stores a new token.</summary>
    /// <param name="token">The token row.</param>
    /// <param name="tokenHash">The SHA-256 hex of the token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task InsertAsync(StoredRefreshToken token, string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.InTenantAsync(token.TenantId, (c, t) => c.ExecuteAsync(
            "INSERT INTO refresh_tokens (id, tenant_id, family_id, user_id, token_hash, created_at, expires_at) VALUES (@Id, @TenantId, @FamilyId, @UserId, @tokenHash, @createdAt, @expiresAt)",
            new { token.Id, token.TenantId, token.FamilyId, token.UserId, tokenHash, createdAt = Ms(token.CreatedAt), expiresAt = Ms(token.ExpiresAt) }, t), cancellationToken);
    }

    /// <summary>Finds a token by its hash, across tenants (platform: the token is all a caller presents).</summary>
    /// <param name="tokenHash">The SHA-256 hex of the token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token, or null.</returns>
    public Task<StoredRefreshToken?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) =>
        {
            var r = await c.QuerySingleOrDefaultAsync<Row>(
                "SELECT r.id AS Id, r.tenant_id AS TenantId, r.family_id AS FamilyId, r.user_id AS UserId, r.created_at AS CreatedAt, r.expires_at AS ExpiresAt, " +
                "r.used_at AS UsedAt, r.revoked_at AS RevokedAt, CASE WHEN u.id IS NULL OR u.disabled_at IS NOT NULL OR tn.disabled_at IS NOT NULL THEN 1 ELSE 0 END AS UserDisabled " +
                "FROM refresh_tokens r LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id LEFT JOIN tenants tn ON tn.id = r.tenant_id " +
                "WHERE r.token_hash = @tokenHash", new { tokenHash }, t);
            return r is null ? null : new StoredRefreshToken(r.Id, r.TenantId, r.FamilyId, r.UserId, Time(r.CreatedAt), Time(r.ExpiresAt), Time(r.UsedAt), Time(r.RevokedAt), r.UserDisabled == 1);
        }, cancellationToken);

    /// <summary>Marks a token used, only if it was not: the compare-and-set that makes a token single-use under races.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="tokenId">The token.</param>
    /// <param name="at">The time of use.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when it was already used or revoked.</returns>
    public Task<bool> TryMarkUsedAsync(string tenantId, string tokenId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "UPDATE refresh_tokens SET used_at = @at WHERE tenant_id = @tenantId AND id = @tokenId AND used_at IS NULL AND revoked_at IS NULL",
            new { tenantId, tokenId, at = Ms(at) }, t) == 1, cancellationToken);

    /// <summary>Revokes every token of a family.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="familyId">The family.</param>
    /// <param name="at">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tokens revoked now.</returns>
    public Task<int> RevokeFamilyAsync(string tenantId, string familyId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => c.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = @at WHERE tenant_id = @tenantId AND family_id = @familyId AND revoked_at IS NULL",
            new { tenantId, familyId, at = Ms(at) }, t), cancellationToken);

    /// <summary>Revokes every token of a user (password change, disable, "sign out everywhere").</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="at">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tokens revoked now.</returns>
    public Task<int> RevokeUserAsync(string tenantId, string userId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => c.ExecuteAsync(
            "UPDATE refresh_tokens SET revoked_at = @at WHERE tenant_id = @tenantId AND user_id = @userId AND revoked_at IS NULL",
            new { tenantId, userId, at = Ms(at) }, t), cancellationToken);

    private sealed class Row
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string FamilyId { get; set; } = string.Empty;

        public string UserId { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long ExpiresAt { get; set; }

        public long? UsedAt { get; set; }

        public long? RevokedAt { get; set; }

        public long UserDisabled { get; set; }
    }
}
