using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.V1;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity.Authorization;

/// <summary>
/// The real authenticator: an API key (<c>atom_...</c>) or an access token (a JWT) becomes a caller. The principal's
/// state and roles come from the store, and a good result is cached for <see cref="IdentityOptions.CallerCacheLifetime"/>
/// (never past the credential's own expiry) and dropped as soon as <see cref="AccessChanges"/> moves, so disabling
/// someone or changing a role still takes effect on their next call.
/// </summary>
public sealed class IdentityCallerAuthenticator(
    AccessTokenService accessTokens,
    ApiKeyService apiKeys,
    TenantStore tenants,
    UserStore users,
    ServiceAccountStore serviceAccounts,
    AccessChanges changes,
    TimeProvider time,
    IOptions<IdentityOptions> options) : ICallerAuthenticator
{
    // Bounded by clearing: simpler than LRU, and a full cache only costs one store round per credential to refill.
    private const int MaxCachedCredentials = 10_000;

    private readonly ConcurrentDictionary<string, CachedCaller> _cache = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.CallerCacheLifetime;
        if (lifetime <= TimeSpan.Zero)
        {
            return (await CheckAsync(credential, cancellationToken)).Outcome;
        }

        // Keyed by a hash, so the cache never holds a usable secret.
        var cacheKey = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Version == changes.Version && now < cached.ValidUntil)
        {
            if (cached.Key is { } key && now - cached.LastRecordedUse >= ApiKeyService.LastUsedGranularity)
            {
                cached.LastRecordedUse = now;
                await apiKeys.RecordUseAsync(key, cancellationToken);
            }

            return AuthenticationOutcome.Success(cached.Caller);
        }

        // Read the version before the store: a change committed during the check makes this entry stale at once.
        var version = changes.Version;
        var checkedCredential = await CheckAsync(credential, cancellationToken);
        if (checkedCredential.Outcome.Caller is { } caller)
        {
            if (_cache.Count >= MaxCachedCredentials)
            {
                _cache.Clear();
            }

            var validUntil = now + lifetime;
            if (checkedCredential.ExpiresAt is { } expires && expires < validUntil)
            {
                validUntil = expires;
            }

            _cache[cacheKey] = new CachedCaller(caller, version, validUntil, checkedCredential.Key) { LastRecordedUse = now };
        }

        return checkedCredential.Outcome;
    }

    private async Task<CheckedCredential> CheckAsync(string credential, CancellationToken cancellationToken)
    {
        if (credential.StartsWith("atom_", StringComparison.Ordinal))
        {
            var key = await apiKeys.ValidateAsync(credential, cancellationToken);
            return key.Status == ApiKeyStatus.Valid
                ? new CheckedCredential(await ResolveAsync(key.Key!.TenantId, key.Key.PrincipalId, key.Key.PrincipalKind, key.Key.Scopes, "api_key", cancellationToken), key.Key.ExpiresAt, key.Key)
                : new CheckedCredential(key.Status switch
                {
                    ApiKeyStatus.Malformed => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The API key is malformed."),
                    ApiKeyStatus.Revoked => AuthenticationOutcome.Failed(ErrorReason.CredentialRevoked, "The API key was revoked."),
                    ApiKeyStatus.Expired => AuthenticationOutcome.Failed(ErrorReason.CredentialExpired, "The API key expired."),
                    ApiKeyStatus.PrincipalDisabled => AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The API key's user or service account is disabled."),
                    ApiKeyStatus.TenantDisabled => AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The API key's tenant is disabled."),
                    _ => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The API key is not known."),
                });
        }

        var token = await accessTokens.ValidateAsync(credential, cancellationToken);
        return token.Status == AccessTokenStatus.Valid
            ? new CheckedCredential(await ResolveAsync(token.Claims!.TenantId, token.Claims.Subject, token.Claims.Kind, [], "access_token", cancellationToken), token.Claims.ExpiresAt)
            : new CheckedCredential(token.Status switch
            {
                AccessTokenStatus.Expired => AuthenticationOutcome.Failed(ErrorReason.CredentialExpired, "The access token expired: refresh it, or sign in again."),
                AccessTokenStatus.NotYetValid => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token is not valid yet: check the clocks."),
                AccessTokenStatus.UnknownKey => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token was signed with a key this server does not know."),
                AccessTokenStatus.BadSignature => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token's signature does not verify."),
                AccessTokenStatus.WrongIssuer or AccessTokenStatus.WrongAudience => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token was issued for another server."),
                _ => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The credential is neither an Atom access token nor an API key."),
            });
    }

    private async Task<AuthenticationOutcome> ResolveAsync(string tenantId, string principalId, PrincipalKind kind, IReadOnlyList<string> scopes, string by, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        if (tenant is null || tenant.DisabledAt is not null)
        {
            return AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The tenant is disabled.");
        }

        if (kind == PrincipalKind.ServiceAccount)
        {
            var account = await serviceAccounts.GetAsync(tenantId, principalId, cancellationToken);
            return account is null || account.IsDisabled
                ? AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The service account is disabled.")
                : AuthenticationOutcome.Success(new Caller(account.Id, Principal.Types.Kind.ServiceAccount, tenantId, account.Roles.ToHashSet(), false, scopes, by));
        }

        var user = await users.GetAsync(tenantId, principalId, cancellationToken);
        return user is null || user.IsDisabled
            ? AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The user is disabled.")
            : AuthenticationOutcome.Success(new Caller(user.Id, Principal.Types.Kind.User, tenantId, user.Roles.ToHashSet(), user.PlatformAdmin, scopes, by));
    }

    private readonly record struct CheckedCredential(AuthenticationOutcome Outcome, DateTimeOffset? ExpiresAt = null, ApiKey? Key = null);

    private sealed record CachedCaller(Caller Caller, long Version, DateTimeOffset ValidUntil, ApiKey? Key)
    {
        public DateTimeOffset LastRecordedUse { get; set; }
    }
}
