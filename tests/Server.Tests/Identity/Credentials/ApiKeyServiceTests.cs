using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Storage;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class ApiKeyServiceTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_created_key_validates_and_records_its_use_at_most_once_a_minute(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var created = await context.ApiKeys.CreateAsync(context.A.Id, jane.Id, PrincipalKind.User, "ci", ["chat.read", "files.write"]);
        Assert.StartsWith("atom_" + created.Key.Prefix + "_", created.Secret, StringComparison.Ordinal);

        var result = await context.ApiKeys.ValidateAsync(created.Secret);

        Assert.Equal(ApiKeyStatus.Valid, result.Status);
        Assert.Equal((created.Key.Id, jane.Id, PrincipalKind.User), (result.Key!.Id, result.Key.PrincipalId, result.Key.PrincipalKind));
        Assert.Equal(["chat.read", "files.write"], result.Key.Scopes);
        var firstUse = context.Clock.Now;
        Assert.Equal(firstUse, (await context.ApiKeyStore.GetAsync(context.A.Id, created.Key.Id))!.LastUsedAt);

        context.Clock.Advance(TimeSpan.FromSeconds(59));
        await context.ApiKeys.ValidateAsync(created.Secret);
        Assert.Equal(firstUse, (await context.ApiKeyStore.GetAsync(context.A.Id, created.Key.Id))!.LastUsedAt);

        context.Clock.Advance(TimeSpan.FromSeconds(2));
        await context.ApiKeys.ValidateAsync(created.Secret);
        Assert.Equal(context.Clock.Now, (await context.ApiKeyStore.GetAsync(context.A.Id, created.Key.Id))!.LastUsedAt);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Validation_tells_unknown_revoked_expired_and_disabled_apart(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var bot = await context.ServiceAccounts.CreateAsync(context.A.Id, "ci-bot", "CI bot", [Role.Member]);
        var revoked = await context.ApiKeys.CreateAsync(context.A.Id, jane.Id, PrincipalKind.User, "revoked", []);
        var expiring = await context.ApiKeys.CreateAsync(context.A.Id, jane.Id, PrincipalKind.User, "expiring", [], context.Clock.Now.AddHours(1));
        var botKey = await context.ApiKeys.CreateAsync(context.A.Id, bot.Id, PrincipalKind.ServiceAccount, "bot", []);
        var otherTenant = await context.CreateUserAsync(context.B, "zed@example.com");
        var betaKey = await context.ApiKeys.CreateAsync(context.B.Id, otherTenant.Id, PrincipalKind.User, "beta", []);

        Assert.Equal(ApiKeyStatus.Malformed, (await context.ApiKeys.ValidateAsync("Bearer nonsense")).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await context.ApiKeys.ValidateAsync(ApiKeySecret.Generate())).Status);

        Assert.NotNull(await context.ApiKeys.RevokeAsync(context.A.Id, revoked.Key.Id));
        Assert.Null(await context.ApiKeys.RevokeAsync(context.B.Id, revoked.Key.Id)); // another tenant cannot even see it
        Assert.Equal(ApiKeyStatus.Revoked, (await context.ApiKeys.ValidateAsync(revoked.Secret)).Status);

        Assert.Equal(ApiKeyStatus.Valid, (await context.ApiKeys.ValidateAsync(expiring.Secret)).Status);
        context.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyStatus.Expired, (await context.ApiKeys.ValidateAsync(expiring.Secret)).Status);

        Assert.Equal(ApiKeyStatus.Valid, (await context.ApiKeys.ValidateAsync(botKey.Secret)).Status);
        await context.ServiceAccounts.DisableAsync(context.A.Id, bot.Id);
        Assert.Equal(ApiKeyStatus.PrincipalDisabled, (await context.ApiKeys.ValidateAsync(botKey.Secret)).Status);

        Assert.Equal(ApiKeyStatus.Valid, (await context.ApiKeys.ValidateAsync(betaKey.Secret)).Status);
        await context.Tenants.DisableAsync(context.B.Id);
        Assert.Equal(ApiKeyStatus.TenantDisabled, (await context.ApiKeys.ValidateAsync(betaKey.Secret)).Status);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Keys_are_stored_as_hashes_only(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var jane = await context.CreateUserAsync(context.A, "jane@example.com");
        var created = await context.ApiKeys.CreateAsync(context.A.Id, jane.Id, PrincipalKind.User, "ci", []);

        var stored = await context.Database.AsPlatformAsync(async (c, t) => await Dapper.SqlMapper.QuerySingleAsync<string>(c, "SELECT secret_hash FROM api_keys", transaction: t));

        Assert.Equal(64, stored.Length);
        Assert.DoesNotContain(created.Secret[14..], stored, StringComparison.Ordinal);
    }
}
