using Atom.Server.Identity.Stores;

namespace Atom.Server.Identity.Credentials;

/// <summary>A password sign-in attempt, as the SignIn RPC receives it.</summary>
/// <param name="Tenant">The tenant's name.</param>
/// <param name="Email">The email.</param>
/// <param name="Password">The password.</param>
/// <param name="TotpCode">A TOTP code, when the user has TOTP on.</param>
/// <param name="RecoveryCode">A recovery code instead of a TOTP code.</param>
/// <param name="Address">The client address, for throttling and audit; empty when unknown.</param>
public sealed record SignInAttempt(string Tenant, string Email, string Password, string? TotpCode = null, string? RecoveryCode = null, string? Address = null);

/// <summary>The outcome of a sign-in.</summary>
public enum SignInStatus
{
    /// <summary>Signed in: tokens are issued.</summary>
    Succeeded,

    /// <summary>Unknown tenant, unknown email, no password or a wrong one: deliberately one answer, so accounts cannot be enumerated.</summary>
    InvalidCredentials,

    /// <summary>Too many failures: try again after <see cref="SignInResult.RetryAfter"/>.</summary>
    Locked,

    /// <summary>The password was right and the user has TOTP on: ask for a code (or a recovery code) and send it with the password.</summary>
    MfaRequired,

    /// <summary>The TOTP or recovery code was wrong or already used.</summary>
    InvalidMfaCode,

    /// <summary>The password was right but the user is disabled.</summary>
    UserDisabled,

    /// <summary>The password was right but the tenant is disabled.</summary>
    TenantDisabled,
}

/// <summary>The result of <see cref="PasswordSignIn.SignInAsync"/>.</summary>
/// <param name="Status">Succeeded, or why not.</param>
/// <param name="User">The user, when signed in.</param>
/// <param name="AccessToken">The access token, when signed in.</param>
/// <param name="RefreshToken">The refresh token, when signed in.</param>
/// <param name="RetryAfter">How long to wait, when locked.</param>
public sealed record SignInResult(SignInStatus Status, User? User = null, IssuedAccessToken? AccessToken = null, IssuedRefreshToken? RefreshToken = null, TimeSpan RetryAfter = default)
{
    /// <summary>Gets a value indicating whether the user is signed in.</summary>
    public bool Succeeded => Status == SignInStatus.Succeeded;
}

/// <summary>
/// The whole password sign-in, so the RPC layer only maps: throttle check, tenant and user lookup, password
/// verification (against a dummy hash when there is no user, so timing does not reveal which emails exist),
/// TOTP or recovery code, token issue, re-hash of passwords hashed under an older policy, throttle and audit
/// bookkeeping.
/// </summary>
/// <param name="tenants">The tenants.</param>
/// <param name="users">The users.</param>
/// <param name="hasher">The password hasher (its policy decides re-hashing).</param>
/// <param name="throttle">The throttle.</param>
/// <param name="mfa">TOTP and recovery codes.</param>
/// <param name="accessTokens">The access token issuer.</param>
/// <param name="refreshTokens">The refresh token issuer.</param>
/// <param name="audit">The audit log.</param>
public sealed class PasswordSignIn(
    TenantStore tenants,
    UserStore users,
    PasswordHasher hasher,
    SignInThrottle throttle,
    MultiFactorService mfa,
    AccessTokenService accessTokens,
    RefreshTokenService refreshTokens,
    AuditLog audit)
{
    private readonly Lazy<string> _dummyHash = new(() => hasher.Hash(Guid.NewGuid().ToString()));

    /// <summary>Signs a user in with email and password (and TOTP or a recovery code when the user has TOTP on).</summary>
    /// <param name="attempt">The attempt.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens, or why not.</returns>
    public async Task<SignInResult> SignInAsync(SignInAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var address = attempt.Address ?? string.Empty;
        var decision = await throttle.CheckAsync(attempt.Tenant, attempt.Email, address, cancellationToken);
        if (!decision.Allowed)
        {
            await FailedAsync(null, attempt, "locked", countFailure: false, cancellationToken);
            return new SignInResult(SignInStatus.Locked, RetryAfter: decision.RetryAfter);
        }

        var tenant = await tenants.FindByNameAsync(attempt.Tenant, cancellationToken);
        var user = tenant is null ? null : await users.FindByEmailAsync(tenant.Id, attempt.Email, cancellationToken);
        var credentials = user is null ? null : await users.GetCredentialsAsync(user.TenantId, user.Id, cancellationToken);
        var passwordOk = PasswordHasher.Verify(attempt.Password, credentials?.PasswordHash ?? _dummyHash.Value) && credentials?.PasswordHash is not null;
        if (!passwordOk || user is null || tenant is null)
        {
            var locked = await FailedAsync(tenant?.Id, attempt, user is null ? "unknown_account" : "bad_password", countFailure: true, cancellationToken);
            return locked ?? new SignInResult(SignInStatus.InvalidCredentials);
        }

        if (tenant.IsDisabled || user.IsDisabled)
        {
            await FailedAsync(tenant.Id, attempt, tenant.IsDisabled ? "tenant_disabled" : "user_disabled", countFailure: false, cancellationToken);
            return new SignInResult(tenant.IsDisabled ? SignInStatus.TenantDisabled : SignInStatus.UserDisabled);
        }

        if (user.MfaEnabled)
        {
            if (string.IsNullOrEmpty(attempt.TotpCode) && string.IsNullOrEmpty(attempt.RecoveryCode))
            {
                return new SignInResult(SignInStatus.MfaRequired);
            }

            var byRecovery = string.IsNullOrEmpty(attempt.TotpCode);
            var mfaOk = byRecovery
                ? await mfa.RedeemRecoveryCodeAsync(tenant.Id, user.Id, attempt.RecoveryCode!, cancellationToken)
                : await mfa.VerifyCodeAsync(tenant.Id, user.Id, attempt.TotpCode!, cancellationToken);
            if (!mfaOk)
            {
                var locked = await FailedAsync(tenant.Id, attempt, byRecovery ? "bad_recovery_code" : "bad_totp_code", countFailure: true, cancellationToken);
                return locked ?? new SignInResult(SignInStatus.InvalidMfaCode);
            }

            if (byRecovery)
            {
                await audit.AppendAsync(new AuditEvent(tenant.Id, user.Id, AuditActions.RecoveryCodeUsed, user.Id, address), cancellationToken);
            }
        }

        await throttle.RecordSuccessAsync(attempt.Tenant, attempt.Email, cancellationToken);
        if (hasher.NeedsRehash(credentials!.PasswordHash!))
        {
            await users.SetPasswordHashAsync(tenant.Id, user.Id, hasher.Hash(attempt.Password), cancellationToken);
        }

        var access = await accessTokens.IssueAsync(new AccessTokenSubject(user.Id, tenant.Id, PrincipalKind.User), cancellationToken);
        var refresh = await refreshTokens.IssueAsync(tenant.Id, user.Id, cancellationToken);
        await audit.AppendAsync(new AuditEvent(tenant.Id, user.Id, AuditActions.SignInSucceeded, user.Email, address,
            new Dictionary<string, string> { ["session"] = refresh.FamilyId, ["mfa"] = user.MfaEnabled ? "true" : "false" }), cancellationToken);
        return new SignInResult(SignInStatus.Succeeded, user, access, refresh);
    }

    private async Task<SignInResult?> FailedAsync(string? tenantId, SignInAttempt attempt, string reason, bool countFailure, CancellationToken cancellationToken)
    {
        var address = attempt.Address ?? string.Empty;
        await audit.AppendAsync(new AuditEvent(tenantId ?? "*", "anonymous", AuditActions.SignInFailed, attempt.Email, address,
            new Dictionary<string, string> { ["reason"] = reason, ["tenant"] = attempt.Tenant }), cancellationToken);
        if (!countFailure)
        {
            return null;
        }

        var next = await throttle.RecordFailureAsync(attempt.Tenant, attempt.Email, address, cancellationToken);
        return next.Allowed ? null : new SignInResult(SignInStatus.Locked, RetryAfter: next.RetryAfter);
    }
}
