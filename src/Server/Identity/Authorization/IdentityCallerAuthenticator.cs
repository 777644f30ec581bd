using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.V1;

namespace Atom.Server.Identity.Authorization;

/// <summary>
/// The real authenticator: an API key (<c>atom_...</c>) or an access token (a JWT) becomes a caller. The
/// principal's state and roles are read on every call, so disabling a user or changing a role takes effect
/// at once, not when their token expires.
/// </summary>
public sealed class IdentityCallerAuthenticator(
    AccessTokenService accessTokens,
    ApiKeyService apiKeys,
    TenantStore tenants,
    UserStore users,
    ServiceAccountStore serviceAccounts) : ICallerAuthenticator
{
    /// <inheritdoc />
    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        if (credential.StartsWith("atom_", StringComparison.Ordinal))
        {
            var key = await apiKeys.ValidateAsync(credential, cancellationToken);
            return key.Status == ApiKeyStatus.Valid
                ? await ResolveAsync(key.Key!.TenantId, key.Key.PrincipalId, key.Key.PrincipalKind, key.Key.Scopes, "api_key", cancellationToken)
                : key.Status switch
                {
                    ApiKeyStatus.Malformed => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The API key is malformed."),
                    ApiKeyStatus.Revoked => AuthenticationOutcome.Failed(ErrorReason.CredentialRevoked, "The API key was revoked."),
                    ApiKeyStatus.Expired => AuthenticationOutcome.Failed(ErrorReason.CredentialExpired, "The API key expired."),
                    ApiKeyStatus.PrincipalDisabled => AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The API key's user or service account is disabled."),
                    ApiKeyStatus.TenantDisabled => AuthenticationOutcome.Failed(ErrorReason.AccountDisabled, "The API key's tenant is disabled."),
                    _ => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The API key is not known."),
                };
        }

        var token = await accessTokens.ValidateAsync(credential, cancellationToken);
        return token.Status == AccessTokenStatus.Valid
            ? await ResolveAsync(token.Claims!.TenantId, token.Claims.Subject, token.Claims.Kind, [], "access_token", cancellationToken)
            : token.Status switch
            {
                AccessTokenStatus.Expired => AuthenticationOutcome.Failed(ErrorReason.CredentialExpired, "The access token expired: refresh it, or sign in again."),
                AccessTokenStatus.NotYetValid => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token is not valid yet: check the clocks."),
                AccessTokenStatus.UnknownKey => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token was signed with a key this server does not know."),
                AccessTokenStatus.BadSignature => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token's signature does not verify."),
                AccessTokenStatus.WrongIssuer or AccessTokenStatus.WrongAudience => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The access token was issued for another server."),
                _ => AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "The credential is neither an Atom access token nor an API key."),
            };
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
}
