using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Stores;

/// <summary>Tenant A's calls never see tenant B's rows, even when they name B's ids.</summary>
public sealed class TenantIsolationTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Guessing_another_tenants_ids_finds_and_changes_nothing(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var (a, b) = (context.A.Id, context.B.Id);
        var bob = await context.CreateUserAsync(context.B, "bob@beta.example");
        var group = await context.Groups.CreateAsync(b, "ops", "Ops");
        var bot = await context.ServiceAccounts.CreateAsync(b, "bot", "Bot", [Role.Member]);
        var key = await context.ApiKeys.CreateAsync(b, bob.Id, PrincipalKind.User, "k", []);
        var alice = await context.CreateUserAsync(context.A, "alice@alpha.example");
        var aGroup = await context.Groups.CreateAsync(a, "ops", "Ops");

        Assert.Null(await context.Users.GetAsync(a, bob.Id));
        Assert.Null(await context.Users.GetCredentialsAsync(a, bob.Id));
        Assert.Null(await context.Users.FindByEmailAsync(a, "bob@beta.example"));
        Assert.Null(await context.Users.UpdateAsync(a, bob.Id, "hijack@alpha.example", "x"));
        Assert.Null(await context.Users.SetRolesAsync(a, bob.Id, [Role.Owner]));
        Assert.False(await context.Users.DisableAsync(a, bob.Id));
        Assert.False(await context.Users.SetPasswordHashAsync(a, bob.Id, "x"));
        Assert.Null(await context.Groups.GetAsync(a, group.Id));
        Assert.Null(await context.Groups.AddMemberAsync(a, group.Id, alice.Id));
        Assert.Null(await context.Groups.AddMemberAsync(a, aGroup.Id, bob.Id)); // B's user into A's group
        Assert.Null(await context.ServiceAccounts.GetAsync(a, bot.Id));
        Assert.False(await context.ServiceAccounts.DisableAsync(a, bot.Id));
        Assert.Null(await context.ApiKeyStore.GetAsync(a, key.Key.Id));
        Assert.Null(await context.ApiKeys.RevokeAsync(a, key.Key.Id));
        Assert.Null(await context.Tenants.GetAsync("no-such-tenant"));

        Assert.Equal([alice.Id], (await context.Users.ListAsync(a, PageRequest.First, includeDisabled: true)).Items.Select(u => u.Id));
        Assert.Equal([aGroup.Id], (await context.Groups.ListAsync(a, PageRequest.First)).Items.Select(g => g.Id));
        Assert.Empty((await context.ServiceAccounts.ListAsync(a, PageRequest.First)).Items);
        Assert.Empty((await context.ApiKeyStore.ListAsync(a, null, PageRequest.First)).Items);

        // B is untouched.
        var bobNow = (await context.Users.GetAsync(b, bob.Id))!;
        Assert.Equal(("bob@beta.example", false), (bobNow.Email, bobNow.IsDisabled));
        Assert.Equal([Role.Member], bobNow.Roles);
        Assert.Equal(ApiKeyStatus.Valid, (await context.ApiKeys.ValidateAsync(key.Secret)).Status);
        Assert.Empty((await context.Groups.GetAsync(b, group.Id))!.MemberIds);
    }

    [Fact]
    public async Task On_postgres_an_unfiltered_query_sees_only_its_tenant()
    {
        await using var context = await IdentityTestContext.CreateAsync("postgres");
        var alice = await context.CreateUserAsync(context.A, "alice@alpha.example");
        var bob = await context.CreateUserAsync(context.B, "bob@beta.example");
        await context.ApiKeys.CreateAsync(context.B.Id, bob.Id, PrincipalKind.User, "k", []);
        await context.RefreshTokens.IssueAsync(context.B.Id, bob.Id);
        await context.AccessTokens.IssueAsync(new AccessTokenSubject(bob.Id, context.B.Id, PrincipalKind.User));
        await context.Throttle.RecordFailureAsync("beta", "bob@beta.example", "10.0.0.1");

        // Deliberately no WHERE tenant_id: row-level security alone must hide B's rows and the platform rows.
        var seen = await context.Database.InTenantAsync(context.A.Id, async (c, t) => new
        {
            Users = (await c.QueryAsync<string>("SELECT id FROM users", transaction: t)).ToList(),
            Roles = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM user_roles WHERE user_id <> @id", new { id = alice.Id }, t),
            Keys = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys", transaction: t),
            Refresh = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM refresh_tokens", transaction: t),
            Signing = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM signing_keys", transaction: t),
            Throttle = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM sign_in_throttle", transaction: t),
            Updated = await c.ExecuteAsync("UPDATE users SET display_name = 'pwned'", transaction: t),
        });

        Assert.Equal([alice.Id], seen.Users);
        Assert.Equal((0L, 0L, 0L, 0L, 0L, 1), (seen.Roles, seen.Keys, seen.Refresh, seen.Signing, seen.Throttle, seen.Updated));
        Assert.Equal("bob", (await context.Users.GetAsync(context.B.Id, bob.Id))!.DisplayName);

        // And a write of another tenant's row is refused by the policy.
        var error = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => context.Database.InTenantAsync(context.A.Id, (c, t) => c.ExecuteAsync(
            "INSERT INTO user_roles (tenant_id, user_id, role) VALUES (@tenant, @user, 'owner')", new { tenant = context.B.Id, user = bob.Id }, t)));
        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task Every_identity_table_has_forced_row_level_security_on_postgres()
    {
        await using var context = await IdentityTestContext.CreateAsync("postgres");
        var tables = await context.Database.AsPlatformAsync(async (c, t) => (await c.QueryAsync<(string Name, bool Enabled, bool Forced)>(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'atom_schema'",
            transaction: t)).ToList());

        Assert.Superset(
            new HashSet<string> { "users", "user_roles", "groups", "group_members", "service_accounts", "service_account_roles", "api_keys", "refresh_tokens", "recovery_codes", "signing_keys", "sign_in_throttle", "idempotency_keys" },
            tables.Select(x => x.Name).ToHashSet());
        Assert.All(tables, x => Assert.True(x.Enabled && x.Forced, x.Name));
    }
}
