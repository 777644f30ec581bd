using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Storage;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class MultiFactorServiceTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Enrolment_is_confirmed_by_a_code_and_each_code_works_once(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");

        var enrollment = (await context.Mfa.BeginEnrollmentAsync(context.A.Id, jane.Id, jane.Email))!;
        Assert.Contains("secret=" + enrollment.Secret, enrollment.OtpAuthUri, StringComparison.Ordinal);
        Assert.False((await context.Users.GetAsync(context.A.Id, jane.Id))!.MfaEnabled);
        Assert.Null(await context.Mfa.ConfirmEnrollmentAsync(context.A.Id, jane.Id, "000000" == Code(enrollment.Secret, context.Clock.Now) ? "111111" : "000000"));

        var codes = await context.Mfa.ConfirmEnrollmentAsync(context.A.Id, jane.Id, Code(enrollment.Secret, context.Clock.Now));
        Assert.Equal(10, codes!.Count);
        Assert.True((await context.Users.GetAsync(context.A.Id, jane.Id))!.MfaEnabled);

        // The confirming code's step is used: the same code cannot sign in, the next step's can, once.
        Assert.False(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, Code(enrollment.Secret, context.Clock.Now)));
        context.Clock.Advance(Totp.StepLength);
        var next = Code(enrollment.Secret, context.Clock.Now);
        Assert.True(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, next));
        Assert.False(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, next));

        // A code from the previous step is within the window but before the last accepted step: a replay.
        context.Clock.Advance(Totp.StepLength);
        Assert.False(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, next));
        Assert.True(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, Code(enrollment.Secret, context.Clock.Now)));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Recovery_codes_work_once_each_and_only_for_their_user(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var joe = await context.CreateUserAsync(context.A, "joe@example.com");
        var enrollment = (await context.Mfa.BeginEnrollmentAsync(context.A.Id, jane.Id, jane.Email))!;
        var codes = (await context.Mfa.ConfirmEnrollmentAsync(context.A.Id, jane.Id, Code(enrollment.Secret, context.Clock.Now)))!;

        Assert.False(await context.Mfa.RedeemRecoveryCodeAsync(context.A.Id, joe.Id, codes[0]));
        Assert.False(await context.Mfa.RedeemRecoveryCodeAsync(context.B.Id, jane.Id, codes[0]));
        Assert.True(await context.Mfa.RedeemRecoveryCodeAsync(context.A.Id, jane.Id, codes[0].ToUpperInvariant()));
        Assert.False(await context.Mfa.RedeemRecoveryCodeAsync(context.A.Id, jane.Id, codes[0]));
        Assert.Equal(9, await context.Users.CountUnusedRecoveryCodesAsync(context.A.Id, jane.Id));

        Assert.True(await context.Mfa.DisableAsync(context.A.Id, jane.Id));
        Assert.False((await context.Users.GetAsync(context.A.Id, jane.Id))!.MfaEnabled);
        Assert.False(await context.Mfa.RedeemRecoveryCodeAsync(context.A.Id, jane.Id, codes[1]));
        Assert.False(await context.Mfa.VerifyCodeAsync(context.A.Id, jane.Id, Code(enrollment.Secret, context.Clock.Now.AddMinutes(5))));
    }

    private static string Code(string secret, DateTimeOffset at)
    {
        Assert.True(Base32.TryDecode(secret, out var key));
        return Totp.Compute(key, Totp.StepAt(at));
    }
}
