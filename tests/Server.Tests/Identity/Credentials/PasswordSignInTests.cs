using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class PasswordSignInTests
{
    private const string Password = "violet-kettle-orbit-47";

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_right_password_signs_in_with_tokens_and_an_audit_event(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await CreateAsync(context, "jane@example.com");

        var result = await context.SignIn.SignInAsync(new SignInAttempt("ALPHA", "Jane@Example.com", Password, Address: "10.0.0.1"));

        Assert.Equal(SignInStatus.Succeeded, result.Status);
        Assert.Equal(jane.Id, result.User!.Id);
        var claims = (await context.AccessTokens.ValidateAsync(result.AccessToken!.Token)).Claims!;
        Assert.Equal((jane.Id, context.A.Id), (claims.Subject, claims.TenantId));
        Assert.Equal(RefreshTokenStatus.Rotated, (await context.RefreshTokens.RotateAsync(result.RefreshToken!.Token)).Status);
        var audit = Assert.Single((await context.Audit.ListAsync(context.A.Id, PageRequest.First)).Items);
        Assert.Equal((AuditActions.SignInSucceeded, jane.Id, "10.0.0.1"), (audit.Event.Action, audit.Event.Actor, audit.Event.Address));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Wrong_password_unknown_user_and_unknown_tenant_look_the_same_and_lock_after_five(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        await CreateAsync(context, "jane@example.com");
        var noPassword = await context.CreateUserAsync(context.A, "sso@example.com");

        Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "jane@example.com", "wrong-password-1"))).Status);
        Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "nobody@example.com", Password))).Status);
        Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(new SignInAttempt("gamma", "jane@example.com", Password))).Status);
        Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", noPassword.Email, ""))).Status);
        var failures = (await context.Audit.ListAsync(context.A.Id, PageRequest.First)).Items;
        Assert.All(failures, e => Assert.Equal(AuditActions.SignInFailed, e.Event.Action));
        Assert.Equal(["bad_password", "unknown_account", "bad_password"], failures.Select(e => e.Event.Detail!["reason"]));

        // Jane's account has one failure; the other attempts counted against other accounts. Four more lock it.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "jane@example.com", "wrong-password-2"))).Status);
        }

        Assert.Equal(SignInStatus.Locked, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "jane@example.com", "wrong-password-2"))).Status);

        var locked = await context.SignIn.SignInAsync(new SignInAttempt("alpha", "jane@example.com", Password));
        Assert.Equal(SignInStatus.Locked, locked.Status);
        Assert.True(locked.RetryAfter > TimeSpan.Zero);
        context.Clock.Advance(locked.RetryAfter);
        Assert.Equal(SignInStatus.Succeeded, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "jane@example.com", Password))).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Totp_users_need_a_code_or_a_recovery_code(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await CreateAsync(context, "jane@example.com");
        var enrollment = (await context.Mfa.BeginEnrollmentAsync(context.A.Id, jane.Id, jane.Email))!;
        Assert.True(Base32.TryDecode(enrollment.Secret, out var key));
        var codes = (await context.Mfa.ConfirmEnrollmentAsync(context.A.Id, jane.Id, Totp.Compute(key, Totp.StepAt(context.Clock.Now))))!;
        context.Clock.Advance(Totp.StepLength);
        var attempt = new SignInAttempt("alpha", "jane@example.com", Password);

        Assert.Equal(SignInStatus.MfaRequired, (await context.SignIn.SignInAsync(attempt)).Status);
        Assert.Equal(SignInStatus.InvalidCredentials, (await context.SignIn.SignInAsync(attempt with { Password = "wrong-password-3" })).Status);
        var current = Totp.Compute(key, Totp.StepAt(context.Clock.Now));
        var wrong = current == "123456" ? "654321" : "123456";
        Assert.Equal(SignInStatus.InvalidMfaCode, (await context.SignIn.SignInAsync(attempt with { TotpCode = wrong })).Status);
        Assert.Equal(SignInStatus.Succeeded, (await context.SignIn.SignInAsync(attempt with { TotpCode = current })).Status);
        Assert.Equal(SignInStatus.InvalidMfaCode, (await context.SignIn.SignInAsync(attempt with { TotpCode = current })).Status);
        Assert.Equal(SignInStatus.Succeeded, (await context.SignIn.SignInAsync(attempt with { RecoveryCode = codes[3] })).Status);
        Assert.Equal(SignInStatus.InvalidMfaCode, (await context.SignIn.SignInAsync(attempt with { RecoveryCode = codes[3] })).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Disabled_users_and_tenants_cannot_sign_in_and_old_hashes_are_upgraded(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var old = await context.Users.CreateAsync(context.A.Id, new NewUser("old@example.com", "Old", [Role.Member], new PasswordHasher(500).Hash(Password)));
        var joe = await CreateAsync(context, "joe@example.com");
        var bob = await CreateAsync(context, "bob@example.com", context.B);

        Assert.Equal(SignInStatus.Succeeded, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "old@example.com", Password))).Status);
        var upgraded = (await context.Users.GetCredentialsAsync(context.A.Id, old.Id))!.PasswordHash!;
        Assert.StartsWith("pbkdf2-sha256$1000$", upgraded, StringComparison.Ordinal);

        await context.Users.DisableAsync(context.A.Id, joe.Id);
        Assert.Equal(SignInStatus.UserDisabled, (await context.SignIn.SignInAsync(new SignInAttempt("alpha", "joe@example.com", Password))).Status);
        await context.Tenants.DisableAsync(context.B.Id);
        Assert.Equal(SignInStatus.TenantDisabled, (await context.SignIn.SignInAsync(new SignInAttempt("beta", bob.Email, Password))).Status);
    }

    private static Task<User> CreateAsync(IdentityTestContext context, string email, Tenant? tenant = null) =>
        context.Users.CreateAsync((tenant ?? context.A).Id, new NewUser(email, email.Split('@')[0], [Role.Member], context.Hasher.Hash(Password)));
}
