using System.Data.Common;
using Atom.Server.Identity.Stores;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Credentials;

/// <summary>A new API key with its secret, which is shown once and never stored.</summary>
/// <param name="Key">The key.</param>
/// <param name="Secret">The secret (<c>atom_&lt;prefix&gt;_&lt;43&gt;</c>).</param>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>The outcome of validating an API key.</summary>
public enum ApiKeyStatus
{
    /// <summary>The key is valid; <see cref="ApiKeyValidation.Key"/> is set.</summary>
    Valid,

    /// <summary>Not shaped like an Atom API key.</summary>
    Malformed,

    /// <summary>No such key.</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key expired.</summary>
    Expired,

    /// <summary>The key's user or service account is disabled or gone.</summary>
    PrincipalDisabled,

    /// <summary>The key's tenant is disabled.</summary>
    TenantDisabled,
}

/// <summary>The result of <see cref="ApiKeyService.ValidateAsync"/>.</summary>
/// <param name="Status">Valid, or why not.</param>
/// <param name="Key">The key, when it was found (also for revoked or expired keys, for audit).</param>
public sealed record ApiKeyValidation(ApiKeyStatus Status, ApiKey? Key = null)
{
    /// <summary>Gets a value indicating whether the key is valid.</summary>
    public bool IsValid => Status == ApiKeyStatus.Valid;
}

/// <summary>
/// Creates, validates and revokes API keys. Secrets are 256 random bits, so they are stored as plain SHA-256:
/// a slow password hash protects guessable secrets and would only make every authenticated call slower here.
/// </summary>
/// <param name="store">The keys.</param>
/// <param name="time">The clock.</param>
public sealed class ApiKeyService(ApiKeyStore store, TimeProvider time)
{
    /// <summary>How often <c>last_used_at</c> is written at most, per key.</summary>
    public static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);

    /// <summary>Creates a key with a random secret.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="principalId">The user or service account the key acts as.</param>
    /// <param name="kind">Which of the two.</param>
    /// <param name="name">A label.</param>
    /// <param name="scopes">The scopes; empty for everything the principal may do.</param>
    /// <param name="expiresAt">When it stops working, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key and its secret.</returns>
    public async Task<CreatedApiKey> CreateAsync(string tenantId, string principalId, PrincipalKind kind, string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var (key, secret) = Prepare(tenantId, principalId, kind, name, scopes, expiresAt, ApiKeySecret.Generate());
        await store.InsertAsync(key, Sha256Hex(secret), cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Creates a key with a random secret inside a transaction the caller runs (idempotent creates).</summary>
    internal async Task<CreatedApiKey> CreateAsync(DbConnection connection, DbTransaction transaction, string tenantId, string principalId, PrincipalKind kind, string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt)
    {
        var (key, secret) = Prepare(tenantId, principalId, kind, name, scopes, expiresAt, ApiKeySecret.Generate());
        await ApiKeyStore.InsertAsync(connection, transaction, key, Sha256Hex(secret));
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Makes the row of a key for a given secret, without storing it (bootstrap stores it in its own transaction).</summary>
    /// <exception cref="ArgumentException">The secret is not shaped like an Atom API key.</exception>
    internal (ApiKey Key, string Secret) Prepare(string tenantId, string principalId, PrincipalKind kind, string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt, string secret)
    {
        if (!ApiKeySecret.TryParse(secret, out var prefix, out var problem))
        {
            throw new ArgumentException("The API key secret is not valid: " + problem, nameof(secret));
        }

        if (scopes.Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("A scope is a non-empty word without spaces.", nameof(scopes));
        }

        var key = new ApiKey(NewId(), tenantId, principalId, kind, name, prefix, [.. scopes], Time(Ms(time.GetUtcNow())), expiresAt, null, null);
        return (key, secret);
    }

    /// <summary>Validates a presented key and records its use (at most once a minute).</summary>
    /// <param name="secret">The key text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key, or the precise reason it is refused.</returns>
    public async Task<ApiKeyValidation> ValidateAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.TryParse(secret, out _, out _))
        {
            return new ApiKeyValidation(ApiKeyStatus.Malformed);
        }

        var found = await store.FindBySecretHashAsync(Sha256Hex(secret), cancellationToken);
        if (found is null)
        {
            return new ApiKeyValidation(ApiKeyStatus.Unknown);
        }

        var key = found.Key;
        var status = key.RevokedAt is not null ? ApiKeyStatus.Revoked
            : key.ExpiresAt is { } expires && time.GetUtcNow() >= expires ? ApiKeyStatus.Expired
            : found.TenantDisabled ? ApiKeyStatus.TenantDisabled
            : !found.PrincipalExists || found.PrincipalDisabled ? ApiKeyStatus.PrincipalDisabled
            : ApiKeyStatus.Valid;
        if (status == ApiKeyStatus.Valid && (key.LastUsedAt is null || time.GetUtcNow() - key.LastUsedAt >= LastUsedGranularity))
        {
            await store.TouchAsync(key.TenantId, key.Id, LastUsedGranularity, cancellationToken);
        }

        return new ApiKeyValidation(status, key);
    }

    /// <summary>Records a use of a key validated earlier (and cached): written at most once per <see cref="LastUsedGranularity"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task RecordUseAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return store.TouchAsync(key.TenantId, key.Id, LastUsedGranularity, cancellationToken);
    }

    /// <summary>Revokes a key.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key after the change, or null when the tenant has no such key.</returns>
    public Task<ApiKey?> RevokeAsync(string tenantId, string keyId, CancellationToken cancellationToken = default) =>
        store.RevokeAsync(tenantId, keyId, cancellationToken);
}
