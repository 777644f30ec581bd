using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>AuthService on a real server: signing in and out, token rotation, passwords and TOTP, with the precise errors clients branch on.</summary>
public sealed class AuthApiTests : IAsyncLifetime
{
    private IdentityApiServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sign_in_returns_tokens_that_identify_the_user()
    {
        var (user, signIn) = await _server.CreateSignedInUserAsync("ann@example.com", "default", Role.Admin);

        var me = await _server.Auth(signIn.Tokens.AccessToken).GetCurrentIdentityAsync(new());

        Assert.Equal(user.Id, signIn.Principal.Id);
        Assert.Equal("default", signIn.Principal.TenantName);
        Assert.NotEmpty(signIn.Tokens.RefreshToken);
        Assert.True(signIn.Tokens.AccessTokenExpireTime.ToDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(user.Id, me.Principal.Id);
        Assert.Equal(Principal.Types.Kind.User, me.Principal.Kind);
        Assert.Equal([Role.Admin], me.Principal.Roles);
        Assert.Equal("access_token", me.Principal.AuthenticatedBy);
        Assert.Equal("ann@example.com", me.Principal.Email);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_email_and_an_unknown_tenant_get_one_and_the_same_answer()
    {
        await _server.CreateSignedInUserAsync("bob@example.com");

        var wrongPassword = await SignInFails(new SignInRequest { Email = "bob@example.com", Password = "not the password at all" });
        var unknownEmail = await SignInFails(new SignInRequest { Email = "nobody@example.com", Password = IdentityApiServer.Password });
        var unknownTenant = await SignInFails(new SignInRequest { Tenant = "nope", Email = "bob@example.com", Password = IdentityApiServer.Password });

        foreach (var error in new[] { wrongPassword, unknownEmail, unknownTenant })
        {
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Equal("INVALID_CREDENTIALS", error.GetDetail<ErrorInfo>()?.Reason);
            Assert.Equal(wrongPassword.Status.Detail, error.Status.Detail);
        }
    }

    [Theory]
    [InlineData("", "x", "email")]
    [InlineData("not-an-email", "x", "email")]
    [InlineData("ann@example.com", "", "password")]
    public async Task Sign_in_names_the_missing_or_malformed_field(string email, string password, string field)
    {
        var error = await SignInFails(new SignInRequest { Email = email, Password = password });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, error.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_with_a_retry_delay()
    {
        await _server.CreateSignedInUserAsync("carol@example.com");

        RpcException? last = null;
        for (var i = 0; i < SignInThrottle.Threshold; i++)
        {
            last = await SignInFails(new SignInRequest { Email = "carol@example.com", Password = "wrong password " + i });
        }

        // Even the right password is refused while locked: the lockout is about the account, not the guess.
        var locked = await SignInFails(new SignInRequest { Email = "carol@example.com", Password = IdentityApiServer.Password });

        Assert.Equal(StatusCode.ResourceExhausted, last!.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        Assert.Equal("ACCOUNT_LOCKED", locked.GetDetail<ErrorInfo>()?.Reason);
        var delay = locked.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan();
        Assert.NotNull(delay);
        Assert.InRange(delay.Value, TimeSpan.FromSeconds(1), SignInThrottle.MaxLockout);
    }

    [Fact]
    public async Task Refresh_rotates_and_a_replayed_refresh_token_revokes_its_whole_family()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("dave@example.com");
        var auth = _server.Auth();

        var second = await auth.RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = signIn.Tokens.RefreshToken });
        var replay = await Assert.ThrowsAsync<RpcException>(() => auth.RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = signIn.Tokens.RefreshToken }).ResponseAsync);
        var successor = await Assert.ThrowsAsync<RpcException>(() => auth.RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = second.Tokens.RefreshToken }).ResponseAsync);

        Assert.NotEqual(signIn.Tokens.RefreshToken, second.Tokens.RefreshToken);
        Assert.NotEmpty(second.Tokens.AccessToken);
        Assert.Equal("REFRESH_TOKEN_REPLAYED", replay.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(StatusCode.Unauthenticated, successor.StatusCode);
        Assert.Equal("CREDENTIAL_REVOKED", successor.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains(await AuditActionsAsync(), a => a == AuditActions.RefreshTokenReplayed);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_invalid_and_an_empty_one_is_a_field_error()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = new string('A', 43) }).ResponseAsync);
        var empty = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().RefreshTokenAsync(new RefreshTokenRequest()).ResponseAsync);

        Assert.Equal("CREDENTIAL_INVALID", unknown.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("refresh_token", empty.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_but_only_the_owner_can_end_it()
    {
        var (_, ann) = await _server.CreateSignedInUserAsync("erin@example.com");
        var (_, bob) = await _server.CreateSignedInUserAsync("frank@example.com");

        var notYours = await Assert.ThrowsAsync<RpcException>(() =>
            _server.Auth(bob.Tokens.AccessToken).SignOutAsync(new SignOutRequest { RefreshToken = ann.Tokens.RefreshToken }).ResponseAsync);
        await _server.Auth(ann.Tokens.AccessToken).SignOutAsync(new SignOutRequest { RefreshToken = ann.Tokens.RefreshToken });
        var afterwards = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = ann.Tokens.RefreshToken }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, notYours.StatusCode);
        Assert.Equal("CREDENTIAL_REVOKED", afterwards.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task Sign_in_is_anonymous_but_sign_out_is_not()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().SignOutAsync(new SignOutRequest { RefreshToken = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_checks_the_old_one_refuses_weak_ones_and_ends_other_sessions()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("gina@example.com");
        var auth = _server.Auth(signIn.Tokens.AccessToken);

        var wrong = await Assert.ThrowsAsync<RpcException>(() => auth.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = "wrong", NewPassword = "a much better passphrase" }).ResponseAsync);
        var weak = await Assert.ThrowsAsync<RpcException>(() => auth.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = IdentityApiServer.Password, NewPassword = "password123" }).ResponseAsync);
        var stillOld = await _server.Auth().SignInAsync(new SignInRequest { Email = "gina@example.com", Password = IdentityApiServer.Password });
        await auth.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = IdentityApiServer.Password, NewPassword = "a much better passphrase" });
        var oldRefresh = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = stillOld.Tokens.RefreshToken }).ResponseAsync);
        var oldPassword = await SignInFails(new SignInRequest { Email = "gina@example.com", Password = IdentityApiServer.Password });
        var newPassword = await _server.Auth().SignInAsync(new SignInRequest { Email = "gina@example.com", Password = "a much better passphrase" });

        Assert.Equal("current_password", wrong.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal("new_password", weak.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal("CREDENTIAL_REVOKED", oldRefresh.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("INVALID_CREDENTIALS", oldPassword.GetDetail<ErrorInfo>()?.Reason);
        Assert.NotEmpty(newPassword.Tokens.AccessToken);
    }

    [Fact]
    public async Task Totp_enrolment_then_sign_in_needs_a_code_and_a_recovery_code_works_once()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("hank@example.com");
        var auth = _server.Auth(signIn.Tokens.AccessToken);

        var notEnrolled = await Assert.ThrowsAsync<RpcException>(() => auth.ConfirmTotpAsync(new ConfirmTotpRequest { Code = "123456" }).ResponseAsync);
        var enrolment = await auth.EnrollTotpAsync(new());
        var badCode = await Assert.ThrowsAsync<RpcException>(() => auth.ConfirmTotpAsync(new ConfirmTotpRequest { Code = "12345" }).ResponseAsync);
        var confirmed = await auth.ConfirmTotpAsync(new ConfirmTotpRequest { Code = CodeFor(enrolment.Secret) });
        var again = await Assert.ThrowsAsync<RpcException>(() => auth.EnrollTotpAsync(new()).ResponseAsync);

        var needsCode = await SignInFails(new SignInRequest { Email = "hank@example.com", Password = IdentityApiServer.Password });
        var wrongCode = await SignInFails(new SignInRequest { Email = "hank@example.com", Password = IdentityApiServer.Password, TotpCode = "000000" });
        var recovery = confirmed.RecoveryCodes[0];
        var byRecovery = await _server.Auth().SignInAsync(new SignInRequest { Email = "hank@example.com", Password = IdentityApiServer.Password, RecoveryCode = recovery });
        var recoveryReused = await SignInFails(new SignInRequest { Email = "hank@example.com", Password = IdentityApiServer.Password, RecoveryCode = recovery });

        Assert.Equal(StatusCode.FailedPrecondition, notEnrolled.StatusCode);
        Assert.StartsWith("otpauth://totp/", enrolment.OtpauthUri, StringComparison.Ordinal);
        Assert.Equal("code", badCode.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal(10, confirmed.RecoveryCodes.Count);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal("MFA_REQUIRED", needsCode.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("MFA_CODE_INVALID", wrongCode.GetDetail<ErrorInfo>()?.Reason);
        Assert.True(byRecovery.Principal.Roles.Count > 0);
        Assert.Equal("MFA_CODE_INVALID", recoveryReused.GetDetail<ErrorInfo>()?.Reason);

        // Off again, with a recovery code; then the password alone is enough.
        await _server.Auth(byRecovery.Tokens.AccessToken).DisableTotpAsync(new DisableTotpRequest { Code = confirmed.RecoveryCodes[1] });
        var passwordOnly = await _server.Auth().SignInAsync(new SignInRequest { Email = "hank@example.com", Password = IdentityApiServer.Password });
        Assert.NotEmpty(passwordOnly.Tokens.AccessToken);
    }

    [Fact]
    public async Task Guessing_totp_codes_with_a_signed_in_session_is_throttled_like_sign_in()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("ivy@example.com");
        var auth = _server.Auth(signIn.Tokens.AccessToken);
        var enrolment = await auth.EnrollTotpAsync(new());
        var codes = (await auth.ConfirmTotpAsync(new ConfirmTotpRequest { Code = CodeFor(enrolment.Secret) })).RecoveryCodes;

        var errors = new List<RpcException>();
        for (var i = 0; i < SignInThrottle.Threshold + 1; i++)
        {
            errors.Add(await Assert.ThrowsAsync<RpcException>(() => auth.DisableTotpAsync(new DisableTotpRequest { Code = "wrong-code-" + i }).ResponseAsync));
        }

        Assert.Equal("MFA_CODE_INVALID", errors[0].GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("ACCOUNT_LOCKED", errors[^1].GetDetail<ErrorInfo>()?.Reason);
        Assert.NotNull(errors[^1].GetDetail<RetryInfo>());

        // Locked means locked: even a good recovery code waits, and TOTP is still on.
        var locked = await Assert.ThrowsAsync<RpcException>(() => auth.DisableTotpAsync(new DisableTotpRequest { Code = codes[0] }).ResponseAsync);
        Assert.Equal("ACCOUNT_LOCKED", locked.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_service_account_has_no_password_or_totp()
    {
        var account = (await new ServiceAccountServiceClient(_server.Channel(TestServer.AdminToken)).CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "ci-bot" })).ServiceAccount;
        var key = await new ApiKeyServiceClient(_server.Channel(TestServer.AdminToken)).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "ci", ServiceAccountId = account.Id });
        var auth = _server.Auth(key.Secret);

        var me = await auth.GetCurrentIdentityAsync(new());
        var password = await Assert.ThrowsAsync<RpcException>(() => auth.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = "x", NewPassword = "y" }).ResponseAsync);
        var totp = await Assert.ThrowsAsync<RpcException>(() => auth.EnrollTotpAsync(new()).ResponseAsync);

        Assert.Equal(Principal.Types.Kind.ServiceAccount, me.Principal.Kind);
        Assert.Equal("api_key", me.Principal.AuthenticatedBy);
        Assert.Equal(StatusCode.FailedPrecondition, password.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, totp.StatusCode);
    }

    [Fact]
    public async Task Sign_in_and_failures_are_in_the_audit_log()
    {
        await _server.CreateSignedInUserAsync("jack@example.com");
        await SignInFails(new SignInRequest { Email = "jack@example.com", Password = "wrong password!" });

        var actions = await AuditActionsAsync();

        Assert.Contains(AuditActions.UserCreated, actions);
        Assert.Contains(AuditActions.SignInSucceeded, actions);
        Assert.Contains(AuditActions.SignInFailed, actions);
    }

    private async Task<RpcException> SignInFails(SignInRequest request) =>
        await Assert.ThrowsAsync<RpcException>(() => _server.Auth().SignInAsync(request).ResponseAsync);

    private async Task<List<string>> AuditActionsAsync() => [.. (await _server.AuditEventsAsync()).Select(e => e.Action)];

    private static string CodeFor(string base32Secret) =>
        Base32.TryDecode(base32Secret, out var key) ? Totp.Compute(key, Totp.StepAt(DateTimeOffset.UtcNow)) : throw new FormatException("not base32");
}
