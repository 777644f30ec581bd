using System.Buffers.Text;
using System.Security.Cryptography;
using Atom.Server.Identity.Stores;
using Microsoft.Extensions.Options;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Credentials;

/// <summary>An issued refresh token.</summary>
/// <param name="Token">The opaque token (43 base64url characters), shown to the client once.</param>
/// <param name="FamilyId">The family: every token rotated from the same sign-in.</param>
/// <param name="ExpiresAt">When it expires.</param>
public sealed record IssuedRefreshToken(string Token, string FamilyId, DateTimeOffset ExpiresAt);

/// <summary>The outcome of presenting a refresh token.</summary>
public enum RefreshTokenStatus
{
    /// <summary>Exchanged: <see cref="RefreshResult.Next"/> is the successor in the same family.</summary>
    Rotated,

    /// <summary>No such token (or not a token at all).</summary>
    Unknown,

    /// <summary>The token expired.</summary>
    Expired,

    /// <summary>The token's family was revoked (signed out, replay, password change).</summary>
    Revoked,

    /// <summary>The token was already used: a copy is in someone else's hands, so the whole family is now revoked.</summary>
    Replayed,

    /// <summary>The user (or the tenant) is disabled; the family is revoked.</summary>
    PrincipalDisabled,
}

/// <summary>The result of <see cref="RefreshTokenService.RotateAsync"/>.</summary>
/// <param name="Status">Rotated, or why not.</param>
/// <param name="TenantId">The token's tenant, when the token was found.</param>
/// <param name="UserId">The token's user, when the token was found.</param>
/// <param name="Next">The new refresh token when rotated.</param>
public sealed record RefreshResult(RefreshTokenStatus Status, string? TenantId = null, string? UserId = null, IssuedRefreshToken? Next = null)
{
    /// <summary>Gets a value indicating whether the token was exchanged.</summary>
    public bool Succeeded => Status == RefreshTokenStatus.Rotated;
}

/// <summary>
/// Refresh tokens: 32 random bytes, base64url, stored only as SHA-256 (they are random, so a fast hash is
/// enough), valid <see cref="IdentityOptions.RefreshTokenLifetime"/>, single use. Each use returns a successor
/// in the same family; presenting a used token again means it was copied, so the whole family is revoked
/// (OAuth 2.0 Security BCP, refresh token rotation).
/// </summary>
/// <param name="store">The tokens.</param>
/// <param name="time">The clock.</param>
/// <param name="options">The lifetime.</param>
public sealed class RefreshTokenService(RefreshTokenStore store, TimeProvider time, IOptions<IdentityOptions> options)
{
    /// <summary>Issues the first token of a new family (at sign-in).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    public Task<IssuedRefreshToken> IssueAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        IssueAsync(tenantId, userId, NewId(), cancellationToken);

    /// <summary>Exchanges a token for its successor; detects replays.</summary>
    /// <param name="token">The token presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The successor, or why there is none.</returns>
    public async Task<RefreshResult> RotateAsync(string? token, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(token, cancellationToken);
        if (found is null)
        {
            return new RefreshResult(RefreshTokenStatus.Unknown);
        }

        var now = time.GetUtcNow();
        if (found.RevokedAt is not null)
        {
            return new RefreshResult(found.UsedAt is null ? RefreshTokenStatus.Revoked : RefreshTokenStatus.Replayed, found.TenantId, found.UserId);
        }

        if (found.UsedAt is not null)
        {
            // Used before: two parties hold this token, and we cannot tell which is the rightful one.
            await store.RevokeFamilyAsync(found.TenantId, found.FamilyId, now, cancellationToken);
            return new RefreshResult(RefreshTokenStatus.Replayed, found.TenantId, found.UserId);
        }

        if (now >= found.ExpiresAt)
        {
            return new RefreshResult(RefreshTokenStatus.Expired, found.TenantId, found.UserId);
        }

        if (found.UserDisabled)
        {
            await store.RevokeFamilyAsync(found.TenantId, found.FamilyId, now, cancellationToken);
            return new RefreshResult(RefreshTokenStatus.PrincipalDisabled, found.TenantId, found.UserId);
        }

        if (!await store.TryMarkUsedAsync(found.TenantId, found.Id, now, cancellationToken))
        {
            // A racing request used (or revoked) it a moment ago: the same conclusion as a replay.
            await store.RevokeFamilyAsync(found.TenantId, found.FamilyId, now, cancellationToken);
            return new RefreshResult(RefreshTokenStatus.Replayed, found.TenantId, found.UserId);
        }

        var next = await IssueAsync(found.TenantId, found.UserId, found.FamilyId, cancellationToken);
        return new RefreshResult(RefreshTokenStatus.Rotated, found.TenantId, found.UserId, next);
    }

    /// <summary>Ends the session a token belongs to, only if it is the given user's (sign-out by that user).</summary>
    /// <param name="token">The token presented.</param>
    /// <param name="tenantId">The caller's tenant.</param>
    /// <param name="userId">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The family revoked, or null when the token is unknown or someone else's.</returns>
    public async Task<string?> RevokeOwnFamilyAsync(string? token, string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(token, cancellationToken);
        if (found is null || found.TenantId != tenantId || found.UserId != userId)
        {
            return null;
        }

        await store.RevokeFamilyAsync(found.TenantId, found.FamilyId, time.GetUtcNow(), cancellationToken);
        return found.FamilyId;
    }

    /// <summary>Ends every session of a user (password change, disable).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of tokens revoked.</returns>
    public Task<int> RevokeUserAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        store.RevokeUserAsync(tenantId, userId, time.GetUtcNow(), cancellationToken);

    private Task<StoredRefreshToken?> FindAsync(string? token, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(token) || token.Length != 43 || !Base64Url.IsValid(token)
            ? Task.FromResult<StoredRefreshToken?>(null)
            : store.FindByHashAsync(Sha256Hex(token), cancellationToken);

    private async Task<IssuedRefreshToken> IssueAsync(string tenantId, string userId, string familyId, CancellationToken cancellationToken)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = Time(Ms(time.GetUtcNow()));
        var expires = now + options.Value.RefreshTokenLifetime;
        await store.InsertAsync(new StoredRefreshToken(NewId(), tenantId, familyId, userId, now, expires, null, null, false), Sha256Hex(token), cancellationToken);
        return new IssuedRefreshToken(token, familyId, expires);
    }
}
