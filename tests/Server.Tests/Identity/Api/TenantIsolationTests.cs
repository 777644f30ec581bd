using Atom.Server.Tests.Storage;
using Atom.V1;
using static Atom.Server.Tests.Identity.Api.IdentityCalls;
using static Atom.Server.Tests.Identity.Api.Refusals;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// Tenant A's credentials cannot read, list, search, update or delete anything of tenant B, through any face,
/// by id guessing included: on both stores, acme's owner (the most powerful tenant role) against globex's
/// things, and globex's against acme's. Another tenant's thing answers exactly as a thing that never existed.
/// </summary>
public sealed class TenantIsolationTests(TwoTenantsOnBothStores stores) : IClassFixture<TwoTenantsOnBothStores>
{
    public static TheoryData<string, Face> ProvidersAndFaces => TwoTenantsOnBothStores.ProvidersAndFaces;

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Another_tenants_ids_are_not_found_and_the_error_says_only_the_id(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        foreach (var id in world.Globex.Ids)
        {
            await LikeMissingAsync(i => acme.CallAsync(GetUser(i)), id, $"{provider}/{face}: acme's owner gets globex's {Describe(world.Globex, id)}", world.Globex.Secrets);
        }
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Lists_hold_the_callers_tenant_and_nothing_of_another(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        var users = (await acme.CallAsync(ListUsers())).Users;
        var groups = (await acme.CallAsync(ListGroups())).Groups;
        var accounts = (await acme.CallAsync(ListServiceAccounts())).ServiceAccounts;
        var keys = (await acme.CallAsync(ListApiKeys())).ApiKeys;

        var because = $"{provider}/{face}, acme's lists";
        Assert.Contains(users, u => u.Id == world.Acme.Owner.Id);
        Assert.Contains(users, u => u.Id == world.Acme.Member.Id);
        Assert.All(users, u => Assert.Equal(world.Acme.Tenant.Id, u.TenantId));
        Assert.Contains(groups, g => g.Id == world.Acme.Group.Id && g.MemberIds.SequenceEqual([world.Acme.Member.Id]));
        Assert.Contains(accounts, a => a.Id == world.Acme.ServiceAccount.Id);
        Assert.Contains(keys, k => k.Id == world.Acme.OwnerKey.Id);
        Assert.Contains(keys, k => k.Id == world.Acme.ServiceAccountKey.Id);
        Assert.All(keys, k => Assert.Contains(k.PrincipalId, new[] { world.Acme.Owner.Id, world.Acme.ServiceAccount.Id }));
        AssertNothingOf(world.Globex, because, users, groups, accounts, keys);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task A_page_token_from_another_tenants_list_pages_only_through_the_callers(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        using var globex = world.Owner(world.Globex, face);

        var globexFirst = await globex.CallAsync(ListUsers(pageSize: 1));
        Assert.NotEmpty(globexFirst.NextPageToken);

        // The token is an opaque position; replayed by acme, it may skip some of acme's users but shows none of globex's.
        var acmeFromThere = await acme.CallAsync(ListUsers(globexFirst.NextPageToken));

        Assert.All(acmeFromThere.Users, u => Assert.Equal(world.Acme.Tenant.Id, u.TenantId));
        AssertNothingOf(world.Globex, $"{provider}/{face}, acme listing from globex's page token", acmeFromThere.Users);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Another_tenants_users_cannot_be_updated_disabled_or_given_roles(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        await AssertCannotChangeUsersAsync(acme, world.Globex, $"{provider}/{face}: acme's owner");

        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner tried to change globex's users over {face}");
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Group_membership_does_not_cross_tenants(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        await AssertCannotChangeGroupsAsync(acme, world.Acme, world.Globex, $"{provider}/{face}: acme's owner");

        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner tried to change globex's group over {face}");
        await AssertGroupUnchangedAsync(world, world.Acme);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Another_tenants_service_accounts_and_api_keys_are_out_of_reach(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        await AssertCannotTouchAccountsAndKeysAsync(acme, world.Globex, $"{provider}/{face}: acme's owner");

        // The keys acme tried to revoke, and the disabled account's key, still work: nothing happened to them.
        foreach (var (secret, principal) in new[] { (world.Globex.OwnerKeySecret, world.Globex.Owner.Id), (world.Globex.ServiceAccountKeySecret, world.Globex.ServiceAccount.Id) })
        {
            using var keyholder = FaceClient.Bearer(world.Server, face, secret);
            var me = (await keyholder.CallAsync(GetCurrentIdentity())).Principal;
            Assert.Equal((principal, world.Globex.Tenant.Id, "api_key"), (me.Id, me.TenantId, me.AuthenticatedBy));
        }

        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner tried to change globex's service account and keys over {face}");
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Another_tenants_session_cannot_be_signed_out(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        using var anonymous = FaceClient.WithAuthorization(world.Server, face, null);
        var session = (await anonymous.CallAsync(SignIn("globex", world.Globex.Member.Email))).Tokens;
        var because = $"{provider}/{face}: acme's owner signs out globex's member";

        var foreign = await NotFoundAsync(acme.CallAsync(SignOut(session.RefreshToken)), $"{because} with their refresh token");
        var made = await NotFoundAsync(acme.CallAsync(SignOut(Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-'))), $"{because} with a made-up refresh token");

        // Nothing tells a real token of another tenant from a made-up one, and the session goes on.
        Assert.Equal(made.Everything, foreign.Everything);
        Assert.DoesNotContain(session.RefreshToken, foreign.Everything, StringComparison.Ordinal);
        var refreshed = (await anonymous.CallAsync(RefreshToken(session.RefreshToken))).Tokens;
        using var member = FaceClient.Bearer(world.Server, face, refreshed.AccessToken);
        Assert.Equal(world.Globex.Member.Id, (await member.CallAsync(GetCurrentIdentity())).Principal.Id);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Tenant_administration_is_denied_to_a_tenants_owner(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        var because = $"{provider}/{face}: acme's owner";
        var evil = $"acme-evil-{face.ToString().ToLowerInvariant()}";

        var refusals = new[]
        {
            await DeniedAsync(acme.CallAsync(ListTenants()), $"{because} lists tenants"),
            await DeniedAsync(acme.CallAsync(GetTenant(world.Globex.Tenant.Id)), $"{because} gets globex's tenant"),
            await DeniedAsync(acme.CallAsync(GetTenant(world.Acme.Tenant.Id)), $"{because} gets acme's own tenant"),
            await DeniedAsync(acme.CallAsync(GetTenant(NeverIssuedId())), $"{because} gets a tenant that does not exist"),
            await DeniedAsync(acme.CallAsync(CreateTenant(evil)), $"{because} creates a tenant"),
        };

        Assert.All(refusals, r => Assert.Equal("tenants_manage", r.Find<Atom.Google.Rpc.ErrorInfo>()!.Metadata["permission"]));
        Assert.All(refusals, r => Assert.DoesNotContain(world.Globex.Tenant.Id, r.Everything, StringComparison.Ordinal));
        using var admin = FaceClient.Bearer(world.Server, Face.Grpc, Infrastructure.TestServer.AdminToken);
        Assert.DoesNotContain((await admin.CallAsync(ListTenants())).Tenants, t => t.Name == evil);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task A_tenants_owner_cannot_create_users_in_another_tenant(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        var email = $"mole-{face}@globex.example".ToLowerInvariant();
        var because = $"{provider}/{face}: acme's owner creates a user";

        var byName = await DeniedAsync(acme.CallAsync(CreateUser(email, "globex")), $"{because} in globex by name");
        await DeniedAsync(acme.CallAsync(CreateUser(email, "GLOBEX")), $"{because} in globex by name in capitals");
        await DeniedAsync(acme.CallAsync(CreateUser(email, world.Globex.Tenant.Id, Role.Owner)), $"{because} (an owner) in globex by id");
        await DeniedAsync(acme.CallAsync(CreateUser(email, "default")), $"{because} in the platform's default tenant");

        // Whether the tenant exists is not revealed either: a made-up one is refused in the same words.
        var madeUp = await DeniedAsync(acme.CallAsync(CreateUser(email, "no-such-tenant")), $"{because} in a tenant that does not exist");
        Assert.Equal(byName.Everything, madeUp.Everything);

        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner tried to create users in globex over {face}");
        using var acmeOverGrpc = world.Owner(world.Acme, Face.Grpc);
        Assert.DoesNotContain((await acmeOverGrpc.CallAsync(ListUsers())).Users, u => u.Email == email);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Guessed_ids_are_not_found_never_an_internal_error(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        string[] guesses =
        [
            Guid.NewGuid().ToString("N"), Guid.CreateVersion7().ToString("N"), Guid.NewGuid().ToString(), "0",
            OneCharacterChanged(world.Acme.Member.Id), OneCharacterChanged(world.Acme.Group.Id), OneCharacterChanged(world.Acme.ServiceAccount.Id),
            OneCharacterChanged(world.Acme.OwnerKey.Id), world.Globex.Member.Id.ToUpperInvariant(), " " + world.Globex.Member.Id,
            "' OR '1'='1", "%", "*", "ünïcødé-☃", "a/b", "a:b", new string('f', 64),
        ];

        foreach (var guess in guesses)
        {
            var because = $"{provider}/{face}: acme's owner guesses '{guess}'";
            await NotFoundAsync(acme.CallAsync(GetUser(guess)), $"{because} in GetUser");
            await NotFoundAsync(acme.CallAsync(UpdateUser(guess, displayName: "Guessed")), $"{because} in UpdateUser");
            await NotFoundAsync(acme.CallAsync(DisableUser(guess)), $"{because} in DisableUser");
            await NotFoundAsync(acme.CallAsync(SetUserRoles(guess, Role.Member)), $"{because} in SetUserRoles");
            await NotFoundAsync(acme.CallAsync(AddGroupMember(guess, world.Acme.Member.Id)), $"{because} as the group in AddGroupMember");
            await NotFoundAsync(acme.CallAsync(AddGroupMember(world.Acme.Group.Id, guess)), $"{because} as the user in AddGroupMember");
            await NotFoundAsync(acme.CallAsync(RemoveGroupMember(world.Acme.Group.Id, guess)), $"{because} as the user in RemoveGroupMember");
            await NotFoundAsync(acme.CallAsync(DisableServiceAccount(guess)), $"{because} in DisableServiceAccount");
            await NotFoundAsync(acme.CallAsync(CreateApiKey("guessed", guess)), $"{because} in CreateApiKey");
            await NotFoundAsync(acme.CallAsync(RevokeApiKey(guess)), $"{because} in RevokeApiKey");
        }

        await world.Acme.AssertUnchangedAsync(world.Server, $"acme's owner guessed ids over {face}", nothingNew: false);
        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner guessed ids over {face}");
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Ids_no_server_issues_are_invalid_and_the_error_names_the_field(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);
        var because = $"{provider}/{face}: acme's owner";

        foreach (var bad in new[] { new string('a', 65), world.Globex.Member.Id + new string('0', 64 - world.Globex.Member.Id.Length + 1), "a\u0001b", "line\nbreak" })
        {
            var shown = bad.Length > 20 ? $"{bad[..10]}... ({bad.Length} characters)" : bad.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\u0001", "\\u0001", StringComparison.Ordinal);
            await InvalidFieldAsync(acme.CallAsync(GetUser(bad)), "user_id", $"{because} gets user '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(UpdateUser(bad, displayName: "Long")), "user.id", $"{because} updates user '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(DisableUser(bad)), "user_id", $"{because} disables user '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(SetUserRoles(bad, Role.Member)), "user_id", $"{because} sets roles of user '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(AddGroupMember(bad, world.Acme.Member.Id)), "group_id", $"{because} adds to group '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(RemoveGroupMember(world.Acme.Group.Id, bad)), "user_id", $"{because} removes user '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(DisableServiceAccount(bad)), "service_account_id", $"{because} disables service account '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(CreateApiKey("bad", bad)), "service_account_id", $"{because} makes a key for service account '{shown}'");
            await InvalidFieldAsync(acme.CallAsync(RevokeApiKey(bad)), "api_key_id", $"{because} revokes key '{shown}'");
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviderData))]
    public async Task Over_rest_path_traversal_in_an_id_is_just_an_id_that_does_not_exist(string provider)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, Face.Rest);
        var because = $"{provider}/REST: acme's owner";

        // An escaped slash is part of the value, not a path separator: the id is "../x", and no user has it.
        foreach (var (escaped, id) in new[] { ("..%2Fx", "../x"), ("..%2F..%2Fgroups", "../../groups"), ($"..%2F{world.Globex.Member.Id}", $"../{world.Globex.Member.Id}"), ("%2E%2E%2F%2E%2E", "../..") })
        {
            var failure = await NotFoundAsync(acme.SendRestAsync(HttpMethod.Get, $"/v1/users/{escaped}").AsMessage(), $"{because} GET /v1/users/{escaped}");
            Assert.Equal($"user '{id}' was not found.", failure.Detail);
            await NotFoundAsync(acme.SendRestAsync(HttpMethod.Post, $"/v1/users/{escaped}:disable", "{}").AsMessage(), $"{because} POST /v1/users/{escaped}:disable");
            await NotFoundAsync(acme.SendRestAsync(HttpMethod.Delete, $"/v1/groups/{world.Acme.Group.Id}/members/{escaped}").AsMessage(), $"{because} DELETE .../members/{escaped}");
        }

        var longId = new string('a', 65);
        await InvalidFieldAsync(acme.SendRestAsync(HttpMethod.Get, $"/v1/users/{longId}").AsMessage(), "user_id", $"{because} GET /v1/users/<65 characters>");
        await InvalidFieldAsync(acme.SendRestAsync(HttpMethod.Get, $"/v1/users/..%2F{longId}").AsMessage(), "user_id", $"{because} GET /v1/users/..%2F<65 characters>");
        await InvalidFieldAsync(acme.SendRestAsync(HttpMethod.Post, $"/v1/apiKeys/%01{longId}:revoke", "{}").AsMessage(), "api_key_id", $"{because} POST /v1/apiKeys/%01...:revoke");

        // A NUL never reaches the API: Kestrel refuses the request as malformed HTTP, before any route or store.
        using var http = world.Server.Rest(world.Acme.OwnerToken);
        using var nul = await http.GetAsync($"/v1/users/%00{world.Globex.Member.Id}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, nul.StatusCode);
        await world.Acme.AssertUnchangedAsync(world.Server, "path traversal over REST", nothingNew: false);
    }

    [Theory]
    [MemberData(nameof(StoreProviderData))]
    public async Task Over_rest_an_id_in_the_body_or_query_cannot_redirect_a_call_bound_by_its_path(string provider)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, Face.Rest);
        var because = $"{provider}/REST: acme's owner";
        var decoy = (await acme.CallAsync(CreateUser("decoy@acme.example"))).User;
        var globexMember = world.Globex.Member.Id;

        // The path names acme's decoy, the body globex's member: the path wins, so only the decoy changes.
        var renamed = FaceClient.Json.Parse<UpdateUserResponse>(await acme.SendRestAsync(HttpMethod.Patch, $"/v1/users/{decoy.Id}?updateMask=displayName",
            $$"""{"id":"{{globexMember}}","displayName":"Redirected"}""")).User;
        var demoted = FaceClient.Json.Parse<SetUserRolesResponse>(await acme.SendRestAsync(HttpMethod.Post, $"/v1/users/{decoy.Id}:setRoles",
            $$"""{"userId":"{{globexMember}}","roles":["ROLE_GUEST"]}""")).User;
        Assert.Equal((decoy.Id, world.Acme.Tenant.Id, "Redirected"), (renamed.Id, renamed.TenantId, renamed.DisplayName));
        Assert.Equal(decoy.Id, demoted.Id);
        Assert.Equal([Role.Guest], demoted.Roles);

        // The other way round: the path names globex's things, the body acme's own, and the path still wins.
        await NotFoundAsync(acme.SendRestAsync(HttpMethod.Post, $"/v1/groups/{world.Globex.Group.Id}/members",
            $$"""{"groupId":"{{world.Acme.Group.Id}}","userId":"{{world.Acme.Member.Id}}"}""").AsMessage(), $"{because} adds to globex's group with acme's in the body");
        await NotFoundAsync(acme.SendRestAsync(HttpMethod.Post, $"/v1/serviceAccounts/{world.Globex.ServiceAccount.Id}:disable",
            $$"""{"serviceAccountId":"{{world.Acme.ServiceAccount.Id}}"}""").AsMessage(), $"{because} disables globex's service account with acme's in the body");

        // A query parameter may not rebind a path field at all.
        await InvalidFieldAsync(acme.SendRestAsync(HttpMethod.Get, $"/v1/users/{decoy.Id}?userId={globexMember}").AsMessage(), "userId", $"{because} GET its decoy with globex's member in the query");

        await world.Globex.AssertUnchangedAsync(world.Server, "REST calls with globex's ids in the body or query");
        await world.Acme.AssertUnchangedAsync(world.Server, "REST calls with acme's ids in the body", nothingNew: false);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task A_request_id_another_tenant_used_creates_the_callers_own_thing(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = world.Owner(world.Acme, face);

        // globex created its group with this request_id: for acme it is a new request, never globex's reply.
        var group = (await acme.CallAsync(CreateGroup("staff-copy", world.Globex.GroupRequestId))).Group;

        Assert.NotEqual(world.Globex.Group.Id, group.Id);
        Assert.Equal("staff-copy", group.Name);
        Assert.Empty(group.MemberIds);
        using var acmeOverGrpc = world.Owner(world.Acme, Face.Grpc);
        Assert.Contains((await acmeOverGrpc.CallAsync(ListGroups())).Groups, g => g.Id == group.Id);
        await world.Globex.AssertUnchangedAsync(world.Server, $"acme reused globex's request_id over {face}");
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task Globex_is_just_as_blind_to_acme(string provider, Face face)
    {
        var world = stores[provider];
        using var globex = world.Owner(world.Globex, face);
        var because = $"{provider}/{face}: globex's owner";

        foreach (var id in world.Acme.Ids)
        {
            await LikeMissingAsync(i => globex.CallAsync(GetUser(i)), id, $"{because} gets acme's {Describe(world.Acme, id)}", world.Acme.Secrets);
        }

        AssertNothingOf(world.Acme, $"{because}'s lists",
            (await globex.CallAsync(ListUsers())).Users, (await globex.CallAsync(ListGroups())).Groups,
            (await globex.CallAsync(ListServiceAccounts())).ServiceAccounts, (await globex.CallAsync(ListApiKeys())).ApiKeys);
        await AssertCannotChangeUsersAsync(globex, world.Acme, because);
        await AssertCannotChangeGroupsAsync(globex, world.Globex, world.Acme, because);
        await AssertCannotTouchAccountsAndKeysAsync(globex, world.Acme, because);

        await world.Acme.AssertUnchangedAsync(world.Server, $"globex's owner tried to change acme over {face}", nothingNew: false);
        await AssertGroupUnchangedAsync(world, world.Globex);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndFaces))]
    public async Task An_owners_api_key_is_as_blind_as_their_access_token(string provider, Face face)
    {
        var world = stores[provider];
        using var acme = FaceClient.Bearer(world.Server, face, world.Acme.OwnerKeySecret);
        var because = $"{provider}/{face}: acme's owner with an API key";

        foreach (var id in world.Globex.Ids)
        {
            await LikeMissingAsync(i => acme.CallAsync(GetUser(i)), id, $"{because} gets globex's {Describe(world.Globex, id)}", world.Globex.Secrets);
        }

        AssertNothingOf(world.Globex, $"{because}'s lists",
            (await acme.CallAsync(ListUsers())).Users, (await acme.CallAsync(ListGroups())).Groups,
            (await acme.CallAsync(ListServiceAccounts())).ServiceAccounts, (await acme.CallAsync(ListApiKeys())).ApiKeys);
        await AssertCannotChangeUsersAsync(acme, world.Globex, because);
        await AssertCannotChangeGroupsAsync(acme, world.Acme, world.Globex, because);
        await AssertCannotTouchAccountsAndKeysAsync(acme, world.Globex, because);

        await world.Globex.AssertUnchangedAsync(world.Server, $"acme's owner's API key was used against globex over {face}");
    }

    public static TheoryData<string> StoreProviderData => StoreProvider.Both;

    private static async Task AssertCannotChangeUsersAsync(FaceClient attacker, TenantSide victim, string because)
    {
        foreach (var user in new[] { victim.Member, victim.Owner })
        {
            var what = user == victim.Owner ? $"{victim.Name}'s owner" : $"{victim.Name}'s member";
            await LikeMissingAsync(i => attacker.CallAsync(UpdateUser(i, email: "pwned@acme.example")), user.Id, $"{because} changes the email of {what}", victim.Secrets);
            await LikeMissingAsync(i => attacker.CallAsync(UpdateUser(i, displayName: "Pwned")), user.Id, $"{because} changes the display name of {what}", victim.Secrets);
            await LikeMissingAsync(i => attacker.CallAsync(DisableUser(i)), user.Id, $"{because} disables {what}", victim.Secrets);
            await LikeMissingAsync(i => attacker.CallAsync(SetUserRoles(i, Role.Guest)), user.Id, $"{because} demotes {what}", victim.Secrets);
            await LikeMissingAsync(i => attacker.CallAsync(SetUserRoles(i, Role.Owner)), user.Id, $"{because} promotes {what}", victim.Secrets);
        }
    }

    private static async Task AssertCannotChangeGroupsAsync(FaceClient attacker, TenantSide own, TenantSide victim, string because)
    {
        var group = victim.Group.Id;
        await LikeMissingAsync(g => attacker.CallAsync(AddGroupMember(g, victim.Owner.Id)), group, $"{because} adds {victim.Name}'s owner to {victim.Name}'s group", victim.Secrets);
        await LikeMissingAsync(g => attacker.CallAsync(AddGroupMember(g, own.Member.Id)), group, $"{because} adds their own member to {victim.Name}'s group", victim.Secrets);
        await LikeMissingAsync(g => attacker.CallAsync(RemoveGroupMember(g, victim.Member.Id)), group, $"{because} removes {victim.Name}'s member from {victim.Name}'s group", victim.Secrets);
        await LikeMissingAsync(u => attacker.CallAsync(AddGroupMember(own.Group.Id, u)), victim.Member.Id, $"{because} adds {victim.Name}'s member to their own group", victim.Secrets);
        await LikeMissingAsync(u => attacker.CallAsync(RemoveGroupMember(own.Group.Id, u)), victim.Member.Id, $"{because} removes {victim.Name}'s member from their own group", victim.Secrets);
    }

    private static async Task AssertCannotTouchAccountsAndKeysAsync(FaceClient attacker, TenantSide victim, string because)
    {
        await LikeMissingAsync(i => attacker.CallAsync(DisableServiceAccount(i)), victim.ServiceAccount.Id, $"{because} disables {victim.Name}'s service account", victim.Secrets);
        await LikeMissingAsync(i => attacker.CallAsync(CreateApiKey("backdoor", i)), victim.ServiceAccount.Id, $"{because} makes a key for {victim.Name}'s service account", victim.Secrets);
        await LikeMissingAsync(i => attacker.CallAsync(RevokeApiKey(i)), victim.OwnerKey.Id, $"{because} revokes {victim.Name}'s owner's key", victim.Secrets);
        await LikeMissingAsync(i => attacker.CallAsync(RevokeApiKey(i)), victim.ServiceAccountKey.Id, $"{because} revokes {victim.Name}'s service account's key", victim.Secrets);
    }

    private static async Task AssertGroupUnchangedAsync(TwoTenants world, TenantSide side)
    {
        using var owner = world.Owner(side, Face.Grpc);
        var group = (await owner.CallAsync(ListGroups())).Groups.Single(g => g.Id == side.Group.Id);
        Assert.True(group.Equals(side.Group), $"{side.Name}'s own group changed: {group}, was {side.Group}");
    }

    private static void AssertNothingOf(TenantSide other, string because, IEnumerable<User> users, IEnumerable<Group>? groups = null,
        IEnumerable<ServiceAccount>? accounts = null, IEnumerable<ApiKey>? keys = null)
    {
        IEnumerable<string> seen =
        [
            .. users.SelectMany(u => new[] { u.Id, u.TenantId, u.Email }),
            .. (groups ?? []).SelectMany(g => g.MemberIds.Append(g.Id)),
            .. (accounts ?? []).Select(a => a.Id),
            .. (keys ?? []).SelectMany(k => new[] { k.Id, k.PrincipalId, k.Prefix }),
        ];
        var leaked = seen.Intersect(other.Secrets, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(leaked.Count == 0, $"{because} show {other.Name}'s: {string.Join(", ", leaked.Select(l => Describe(other, l)))}");
    }

    private static string Describe(TenantSide side, string id) =>
        id == side.Tenant.Id ? "tenant id" : id == side.Owner.Id ? "owner id" : id == side.Member.Id ? "member id" : id == side.Group.Id ? "group id"
        : id == side.ServiceAccount.Id ? "service account id" : id == side.OwnerKey.Id ? "owner's key id" : id == side.ServiceAccountKey.Id ? "service account's key id" : $"'{id}'";

    /// <summary>The id with one character changed, keeping its shape (hex stays hex).</summary>
    private static string OneCharacterChanged(string id)
    {
        var i = id.Length / 2;
        return string.Concat(id.AsSpan(0, i), id[i] == '0' ? "1" : "0", id.AsSpan(i + 1));
    }
}
