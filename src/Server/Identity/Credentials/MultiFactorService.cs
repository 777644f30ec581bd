using Atom.Server.Identity.Stores;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity.Credentials;

/// <summary>A TOTP enrolment in progress: what the user puts into an authenticator app.</summary>
/// <param name="Secret">The base32 secret.</param>
/// <param name="OtpAuthUri">The otpauth:// URI (for a QR code).</param>
public sealed record TotpEnrollment(string Secret, string OtpAuthUri);

/// <summary>
/// TOTP for users: enrolment (a pending secret, confirmed by a first code, which yields recovery codes),
/// verification with replay protection (a code's step must be later than the last accepted one, enforced by a
/// compare-and-set in the store), one-time recovery codes, and turning TOTP off.
/// </summary>
/// <param name="users">The users.</param>
/// <param name="time">The clock.</param>
/// <param name="options">The TOTP issuer name.</param>
public sealed class MultiFactorService(UserStore users, TimeProvider time, IOptions<IdentityOptions> options)
{
    /// <summary>Starts (or restarts) enrolment: stores a new pending secret. TOTP stays off until confirmed.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="accountName">The account label in the app, usually the email.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret and URI, or null when there is no such user.</returns>
    public async Task<TotpEnrollment?> BeginEnrollmentAsync(string tenantId, string userId, string accountName, CancellationToken cancellationToken = default)
    {
        var secret = Totp.NewSecret();
        if (!await users.SetPendingMfaSecretAsync(tenantId, userId, secret, cancellationToken))
        {
            return null;
        }

        return new TotpEnrollment(secret, Totp.OtpAuthUri(secret, options.Value.TotpIssuer, accountName));
    }

    /// <summary>Confirms enrolment with a code from the app; turns TOTP on and makes recovery codes.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="code">The code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recovery codes to show once, or null when the code is wrong or nothing is pending.</returns>
    public async Task<IReadOnlyList<string>?> ConfirmEnrollmentAsync(string tenantId, string userId, string code, CancellationToken cancellationToken = default)
    {
        var credentials = await users.GetCredentialsAsync(tenantId, userId, cancellationToken);
        if (credentials?.MfaSecret is not { } secret || !Totp.TryMatch(secret, code, time.GetUtcNow(), null, out var step))
        {
            return null;
        }

        var codes = RecoveryCodes.Generate();
        return await users.EnableMfaAsync(tenantId, userId, step, [.. codes.Select(c => RecoveryCodes.Hash(userId, c))], cancellationToken) ? codes : null;
    }

    /// <summary>Checks a TOTP code of a user with TOTP on; each code is accepted once.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="code">The code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the code is right, current and not used before.</returns>
    public async Task<bool> VerifyCodeAsync(string tenantId, string userId, string code, CancellationToken cancellationToken = default)
    {
        var credentials = await users.GetCredentialsAsync(tenantId, userId, cancellationToken);
        return credentials is { MfaSecret: { } secret, MfaEnabledAt: not null }
            && Totp.TryMatch(secret, code, time.GetUtcNow(), credentials.MfaLastStep, out var step)
            && await users.TryAdvanceMfaStepAsync(tenantId, userId, step, cancellationToken);
    }

    /// <summary>Uses a recovery code instead of a TOTP code; each code works once.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="code">The recovery code (case, spaces and hyphens do not matter).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the code was valid and unused.</returns>
    public Task<bool> RedeemRecoveryCodeAsync(string tenantId, string userId, string code, CancellationToken cancellationToken = default) =>
        users.TryUseRecoveryCodeAsync(tenantId, userId, RecoveryCodes.Hash(userId, code), cancellationToken);

    /// <summary>Turns TOTP off (after the caller verified a code or a recovery code).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user.</returns>
    public Task<bool> DisableAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        users.DisableMfaAsync(tenantId, userId, cancellationToken);
}
