using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Storage;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class RefreshTokenServiceTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_token_rotates_once_into_the_same_family(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var first = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);
        Assert.Equal(43, first.Token.Length);
        Assert.Equal(context.Clock.Now.AddDays(30), first.ExpiresAt);

        var rotated = await context.RefreshTokens.RotateAsync(first.Token);

        Assert.Equal(RefreshTokenStatus.Rotated, rotated.Status);
        Assert.Equal((context.A.Id, jane.Id), (rotated.TenantId, rotated.UserId));
        Assert.Equal(first.FamilyId, rotated.Next!.FamilyId);
        Assert.NotEqual(first.Token, rotated.Next.Token);
        Assert.Equal(RefreshTokenStatus.Rotated, (await context.RefreshTokens.RotateAsync(rotated.Next.Token)).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Presenting_a_used_token_revokes_the_whole_family(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var first = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);
        var other = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id); // another session: untouched
        var second = (await context.RefreshTokens.RotateAsync(first.Token)).Next!;

        var replay = await context.RefreshTokens.RotateAsync(first.Token);

        Assert.Equal(RefreshTokenStatus.Replayed, replay.Status);
        Assert.Null(replay.Next);
        Assert.Equal(RefreshTokenStatus.Revoked, (await context.RefreshTokens.RotateAsync(second.Token)).Status);
        Assert.Equal(RefreshTokenStatus.Replayed, (await context.RefreshTokens.RotateAsync(first.Token)).Status);
        Assert.Equal(RefreshTokenStatus.Rotated, (await context.RefreshTokens.RotateAsync(other.Token)).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Sign_out_revokes_the_family_only_for_its_owner_and_unknown_tokens_are_unknown(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var first = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);
        var second = (await context.RefreshTokens.RotateAsync(first.Token)).Next!;

        var john = await context.CreateUserAsync(context.A, "john@example.com");
        Assert.Null(await context.RefreshTokens.RevokeOwnFamilyAsync(second.Token, context.A.Id, john.Id));
        Assert.Equal(first.FamilyId, await context.RefreshTokens.RevokeOwnFamilyAsync(second.Token, context.A.Id, jane.Id));

        Assert.Equal(RefreshTokenStatus.Revoked, (await context.RefreshTokens.RotateAsync(second.Token)).Status);
        Assert.Null(await context.RefreshTokens.RevokeOwnFamilyAsync("x", context.A.Id, jane.Id));
        Assert.Equal(RefreshTokenStatus.Unknown, (await context.RefreshTokens.RotateAsync(null)).Status);
        Assert.Equal(RefreshTokenStatus.Unknown, (await context.RefreshTokens.RotateAsync("not-a-token")).Status);
        Assert.Equal(RefreshTokenStatus.Unknown, (await context.RefreshTokens.RotateAsync(ApiKeySecret.Generate()[14..])).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Expired_and_disabled_user_tokens_do_not_rotate(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var joe = await context.CreateUserAsync(context.A, "joe@example.com");
        var janes = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);
        var joes = await context.RefreshTokens.IssueAsync(context.A.Id, joe.Id);

        await context.Users.DisableAsync(context.A.Id, joe.Id);
        Assert.Equal(RefreshTokenStatus.PrincipalDisabled, (await context.RefreshTokens.RotateAsync(joes.Token)).Status);

        context.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(RefreshTokenStatus.Expired, (await context.RefreshTokens.RotateAsync(janes.Token)).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Revoking_a_user_ends_all_their_sessions(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var one = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);
        var two = await context.RefreshTokens.IssueAsync(context.A.Id, jane.Id);

        Assert.Equal(2, await context.RefreshTokens.RevokeUserAsync(context.A.Id, jane.Id));
        Assert.Equal(RefreshTokenStatus.Revoked, (await context.RefreshTokens.RotateAsync(one.Token)).Status);
        Assert.Equal(RefreshTokenStatus.Revoked, (await context.RefreshTokens.RotateAsync(two.Token)).Status);
    }
}
