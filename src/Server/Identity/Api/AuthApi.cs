using Atom.Sdk;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>
/// Implements atom.v1.AuthService: signing in and out, tokens, the caller's own password and second factor.
/// The credential services decide; this maps their outcomes to precise errors.
/// </summary>
/// <param name="signIn">The password sign-in.</param>
/// <param name="accessTokens">The access token issuer.</param>
/// <param name="refreshTokens">The refresh tokens.</param>
/// <param name="mfa">TOTP and recovery codes.</param>
/// <param name="throttle">Throttles guesses of passwords and codes, also from signed-in callers.</param>
/// <param name="hasher">The password hasher.</param>
/// <param name="tenants">The tenants.</param>
/// <param name="users">The users.</param>
/// <param name="serviceAccounts">The service accounts.</param>
/// <param name="audit">The audit log.</param>
public sealed class AuthApi(
    PasswordSignIn signIn,
    AccessTokenService accessTokens,
    RefreshTokenService refreshTokens,
    MultiFactorService mfa,
    SignInThrottle throttle,
    PasswordHasher hasher,
    TenantStore tenants,
    UserStore users,
    ServiceAccountStore serviceAccounts,
    AuditLog audit) : AuthServiceBase
{
    private const string DefaultTenant = "default";

    // Long enough for any password the policy accepts; longer input is refused before it costs a hash.
    private const int MaxPasswordInput = PasswordPolicy.MaxLength * 4;

    /// <inheritdoc />
    public override async Task<SignInResponse> SignIn(SignInRequest request, ServerCallContext context)
    {
        var email = RequestRules.Email("email", request.Email);
        if (request.Password.Length == 0)
        {
            throw AtomErrors.InvalidField("password", "is required.");
        }

        if (request.Password.Length > MaxPasswordInput)
        {
            throw AtomErrors.InvalidField("password", "is longer than any password this server accepts.");
        }

        if (request.TotpCode.Length > 0 && request.RecoveryCode.Length > 0)
        {
            throw AtomErrors.InvalidField("recovery_code", "send either totp_code or recovery_code, not both.");
        }

        var tenant = request.Tenant.Length == 0 ? DefaultTenant : request.Tenant;
        var result = await signIn.SignInAsync(
            new SignInAttempt(tenant, email, request.Password, NullIfEmpty(request.TotpCode), NullIfEmpty(request.RecoveryCode), context.ClientAddress()),
            context.CancellationToken);

        return result.Status switch
        {
            SignInStatus.Succeeded => new SignInResponse
            {
                Tokens = Tokens(result.AccessToken!, result.RefreshToken!),
                Principal = await PrincipalOfAsync(result.User!.TenantId, result.User.Id, V1.Principal.Types.Kind.User, [], "access_token", context.CancellationToken),
            },
            SignInStatus.Locked => throw IdentityErrors.Locked(result.RetryAfter),
            SignInStatus.MfaRequired => throw IdentityErrors.Unauthenticated(ErrorReason.MfaRequired,
                "This account has two-factor sign-in on: send a current totp_code (or a recovery_code) with the password."),
            SignInStatus.InvalidMfaCode => throw IdentityErrors.Unauthenticated(ErrorReason.MfaCodeInvalid, "The two-factor code is wrong, expired or already used."),
            SignInStatus.UserDisabled => throw IdentityErrors.Disabled("This account is disabled."),
            SignInStatus.TenantDisabled => throw IdentityErrors.Disabled("This tenant is disabled."),
            _ => throw IdentityErrors.Unauthenticated(ErrorReason.InvalidCredentials, "The tenant, email or password is wrong."),
        };
    }

    /// <inheritdoc />
    public override async Task<RefreshTokenResponse> RefreshToken(RefreshTokenRequest request, ServerCallContext context)
    {
        if (request.RefreshToken.Length == 0)
        {
            throw AtomErrors.InvalidField("refresh_token", "is required.");
        }

        var result = await refreshTokens.RotateAsync(request.RefreshToken, context.CancellationToken);
        switch (result.Status)
        {
            case RefreshTokenStatus.Rotated:
                var access = await accessTokens.IssueAsync(new AccessTokenSubject(result.UserId!, result.TenantId!, PrincipalKind.User), context.CancellationToken);
                return new RefreshTokenResponse { Tokens = Tokens(access, result.Next!) };
            case RefreshTokenStatus.Replayed:
                await audit.AppendAsync(new AuditEvent(result.TenantId!, result.UserId!, AuditActions.RefreshTokenReplayed, result.UserId!, context.ClientAddress()), context.CancellationToken);
                throw IdentityErrors.Unauthenticated(ErrorReason.RefreshTokenReplayed,
                    "This refresh token was already used, so a copy may be in someone else's hands: every token of this session is now revoked. Sign in again.");
            case RefreshTokenStatus.Expired:
                throw IdentityErrors.Unauthenticated(ErrorReason.CredentialExpired, "The refresh token expired: sign in again.");
            case RefreshTokenStatus.Revoked:
                throw IdentityErrors.Unauthenticated(ErrorReason.CredentialRevoked, "The refresh token was revoked (signed out, or the password changed): sign in again.");
            case RefreshTokenStatus.PrincipalDisabled:
                throw IdentityErrors.Unauthenticated(ErrorReason.AccountDisabled, "The account or its tenant is disabled.");
            default:
                throw IdentityErrors.Unauthenticated(ErrorReason.CredentialInvalid, "The refresh token is not one this server issued.");
        }
    }

    /// <inheritdoc />
    public override async Task<SignOutResponse> SignOut(SignOutRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.RefreshToken.Length == 0)
        {
            throw AtomErrors.InvalidField("refresh_token", "is required.");
        }

        // Someone else's token is "not found" rather than "forbidden": a caller learns nothing about tokens not theirs.
        var family = await refreshTokens.RevokeOwnFamilyAsync(request.RefreshToken, caller.TenantId, caller.PrincipalId, context.CancellationToken)
            ?? throw RpcErrors.NotFound("refresh token", "(the token sent)");
        await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.SignedOut, caller.PrincipalId, context.ClientAddress(),
            new Dictionary<string, string> { ["session"] = family }), context.CancellationToken);
        return new SignOutResponse();
    }

    /// <inheritdoc />
    public override async Task<GetCurrentIdentityResponse> GetCurrentIdentity(GetCurrentIdentityRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        return new GetCurrentIdentityResponse
        {
            Principal = await PrincipalOfAsync(caller.TenantId, caller.PrincipalId, caller.Kind, caller.Scopes, caller.AuthenticatedBy, context.CancellationToken),
        };
    }

    /// <inheritdoc />
    public override async Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        var (tenant, user) = await CallingUserAsync(context, "Service accounts have no password; they use API keys.");
        if (request.CurrentPassword.Length == 0)
        {
            throw AtomErrors.InvalidField("current_password", "is required.");
        }

        var newPassword = RequestRules.NewPassword("new_password", request.NewPassword, user.Email);
        if (newPassword == request.CurrentPassword)
        {
            throw AtomErrors.InvalidField("new_password", "must differ from the current password.");
        }

        await GuessAsync(tenant, user, context, async () =>
        {
            var credentials = await users.GetCredentialsAsync(tenant.Id, user.Id, context.CancellationToken);
            return credentials?.PasswordHash is { } hash && PasswordHasher.Verify(request.CurrentPassword, hash);
        }, "current_password", wrong: field => AtomErrors.InvalidField(field, "is wrong."));

        await users.SetPasswordHashAsync(tenant.Id, user.Id, hasher.Hash(newPassword), context.CancellationToken);

        // Whoever else holds a session of this account keeps it no longer than their access token lives.
        var revoked = await refreshTokens.RevokeUserAsync(tenant.Id, user.Id, context.CancellationToken);
        await audit.AppendAsync(new AuditEvent(tenant.Id, user.Id, AuditActions.PasswordChanged, user.Id, context.ClientAddress(),
            new Dictionary<string, string> { ["refresh_tokens_revoked"] = revoked.ToString(System.Globalization.CultureInfo.InvariantCulture) }), context.CancellationToken);
        return new ChangePasswordResponse();
    }

    /// <inheritdoc />
    public override async Task<EnrollTotpResponse> EnrollTotp(EnrollTotpRequest request, ServerCallContext context)
    {
        var (tenant, user) = await CallingUserAsync(context, "Service accounts cannot use TOTP.");
        if (user.MfaEnabled)
        {
            // Otherwise a stolen access token could swap the secret for the thief's own.
            throw IdentityErrors.FailedPrecondition("TOTP is already on: turn it off with DisableTotp (and a current code) before enrolling again.");
        }

        var enrollment = await mfa.BeginEnrollmentAsync(tenant.Id, user.Id, user.Email, context.CancellationToken)
            ?? throw RpcErrors.NotFound("user", user.Id);
        return new EnrollTotpResponse { Secret = enrollment.Secret, OtpauthUri = enrollment.OtpAuthUri };
    }

    /// <inheritdoc />
    public override async Task<ConfirmTotpResponse> ConfirmTotp(ConfirmTotpRequest request, ServerCallContext context)
    {
        var (tenant, user) = await CallingUserAsync(context, "Service accounts cannot use TOTP.");
        var code = TotpCode("code", request.Code);
        if (user.MfaEnabled)
        {
            throw IdentityErrors.FailedPrecondition("TOTP is already on.");
        }

        var credentials = await users.GetCredentialsAsync(tenant.Id, user.Id, context.CancellationToken);
        if (credentials?.MfaSecret is null)
        {
            throw IdentityErrors.FailedPrecondition("There is no TOTP enrolment to confirm: call EnrollTotp first.");
        }

        IReadOnlyList<string>? recoveryCodes = null;
        await GuessAsync(tenant, user, context, async () =>
        {
            recoveryCodes = await mfa.ConfirmEnrollmentAsync(tenant.Id, user.Id, code, context.CancellationToken);
            return recoveryCodes is not null;
        }, "code", IdentityErrors.WrongCode);

        await audit.AppendAsync(new AuditEvent(tenant.Id, user.Id, AuditActions.MfaEnabled, user.Id, context.ClientAddress()), context.CancellationToken);
        return new ConfirmTotpResponse { RecoveryCodes = { recoveryCodes! } };
    }

    /// <inheritdoc />
    public override async Task<DisableTotpResponse> DisableTotp(DisableTotpRequest request, ServerCallContext context)
    {
        var (tenant, user) = await CallingUserAsync(context, "Service accounts cannot use TOTP.");
        if (request.Code.Length == 0)
        {
            throw AtomErrors.InvalidField("code", "is required: a current TOTP code or a recovery code.");
        }

        if (!user.MfaEnabled)
        {
            throw IdentityErrors.FailedPrecondition("TOTP is not on.");
        }

        // Six digits are a TOTP code; anything else can only be a recovery code.
        var isTotp = request.Code.Length == Totp.Digits && request.Code.All(char.IsAsciiDigit);
        await GuessAsync(tenant, user, context, () => isTotp
            ? mfa.VerifyCodeAsync(tenant.Id, user.Id, request.Code, context.CancellationToken)
            : mfa.RedeemRecoveryCodeAsync(tenant.Id, user.Id, request.Code, context.CancellationToken), "code", IdentityErrors.WrongCode);

        await mfa.DisableAsync(tenant.Id, user.Id, context.CancellationToken);
        await audit.AppendAsync(new AuditEvent(tenant.Id, user.Id, AuditActions.MfaDisabled, user.Id, context.ClientAddress()), context.CancellationToken);
        return new DisableTotpResponse();
    }

    /// <summary>
    /// Checks a secret the signed-in caller claims to know (password, TOTP or recovery code) under the same throttle
    /// as sign-in: a stolen access token must not become a way to guess them.
    /// </summary>
    private async Task GuessAsync(Tenant tenant, User user, ServerCallContext context, Func<Task<bool>> check, string field, Func<string, RpcException> wrong)
    {
        var address = context.ClientAddress();
        var decision = await throttle.CheckAsync(tenant.Name, user.Email, address, context.CancellationToken);
        if (!decision.Allowed)
        {
            throw IdentityErrors.Locked(decision.RetryAfter);
        }

        if (await check())
        {
            return;
        }

        var next = await throttle.RecordFailureAsync(tenant.Name, user.Email, address, context.CancellationToken);
        throw next.Allowed ? wrong(field) : IdentityErrors.Locked(next.RetryAfter);
    }

    private async Task<(Tenant Tenant, User User)> CallingUserAsync(ServerCallContext context, string notForServiceAccounts)
    {
        var caller = context.GetCaller();
        if (caller.Kind != V1.Principal.Types.Kind.User)
        {
            throw IdentityErrors.FailedPrecondition(notForServiceAccounts);
        }

        var tenant = await tenants.GetAsync(caller.TenantId, context.CancellationToken) ?? throw RpcErrors.NotFound("tenant", caller.TenantId);
        var user = await users.GetAsync(caller.TenantId, caller.PrincipalId, context.CancellationToken) ?? throw RpcErrors.NotFound("user", caller.PrincipalId);
        return (tenant, user);
    }

    private async Task<V1.Principal> PrincipalOfAsync(string tenantId, string principalId, V1.Principal.Types.Kind kind, IReadOnlyList<string> scopes, string authenticatedBy, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken) ?? throw RpcErrors.NotFound("tenant", tenantId);
        var principal = new V1.Principal { Kind = kind, Id = principalId, TenantId = tenantId, TenantName = tenant.Name, Scopes = { scopes }, AuthenticatedBy = authenticatedBy };
        if (kind == V1.Principal.Types.Kind.ServiceAccount)
        {
            var account = await serviceAccounts.GetAsync(tenantId, principalId, cancellationToken) ?? throw RpcErrors.NotFound("service account", principalId);
            principal.DisplayName = account.DisplayName;
            principal.Roles.AddRange(account.Roles);
        }
        else
        {
            var user = await users.GetAsync(tenantId, principalId, cancellationToken) ?? throw RpcErrors.NotFound("user", principalId);
            principal.DisplayName = user.DisplayName;
            principal.Email = user.Email;
            principal.PlatformAdmin = user.PlatformAdmin;
            principal.Roles.AddRange(user.Roles);
        }

        return principal;
    }

    private static TokenSet Tokens(IssuedAccessToken access, IssuedRefreshToken refresh) => new()
    {
        AccessToken = access.Token,
        AccessTokenExpireTime = Timestamp.FromDateTimeOffset(access.ExpiresAt),
        RefreshToken = refresh.Token,
        RefreshTokenExpireTime = Timestamp.FromDateTimeOffset(refresh.ExpiresAt),
    };

    private static string TotpCode(string field, string code) =>
        code.Length == Totp.Digits && code.All(char.IsAsciiDigit) ? code : throw AtomErrors.InvalidField(field, $"must be the {Totp.Digits} digits your authenticator shows.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
