using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>UserService, GroupService, ServiceAccountService and TenantService on a real server: validation, privilege rules, idempotent creates.</summary>
public sealed class DirectoryApiTests : IAsyncLifetime
{
    private IdentityApiServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private UserServiceClient AdminUsers => _server.Users();

    [Fact]
    public async Task Users_are_created_read_listed_updated_and_disabled()
    {
        var created = (await AdminUsers.CreateUserAsync(new CreateUserRequest { Email = "Kim@Example.com", DisplayName = "  Kim  ", Password = IdentityApiServer.Password })).User;

        var read = (await AdminUsers.GetUserAsync(new GetUserRequest { UserId = created.Id })).User;
        var updated = (await AdminUsers.UpdateUserAsync(new UpdateUserRequest
        {
            User = new User { Id = created.Id, DisplayName = "Kim K." },
            UpdateMask = new FieldMask { Paths = { "display_name" } },
        })).User;
        var disabled = (await AdminUsers.DisableUserAsync(new DisableUserRequest { UserId = created.Id })).User;
        var active = await ListAllAsync(includeDisabled: false);
        var all = await ListAllAsync(includeDisabled: true);

        Assert.Equal("Kim", created.DisplayName);
        Assert.Equal([Role.Member], created.Roles);
        Assert.Equal(created, read);
        Assert.Equal("Kim K.", updated.DisplayName);
        Assert.Equal("Kim@Example.com", updated.Email);
        Assert.True(disabled.Disabled);
        Assert.DoesNotContain(created.Id, active.Select(u => u.Id));
        Assert.Contains(created.Id, all.Select(u => u.Id));
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_session_stops_at_once()
    {
        var (user, signIn) = await _server.CreateSignedInUserAsync("lee@example.com");
        await AdminUsers.DisableUserAsync(new DisableUserRequest { UserId = user.Id });

        var call = await Assert.ThrowsAsync<RpcException>(() => _server.Auth(signIn.Tokens.AccessToken).GetCurrentIdentityAsync(new()).ResponseAsync);
        var refresh = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = signIn.Tokens.RefreshToken }).ResponseAsync);
        var again = await Assert.ThrowsAsync<RpcException>(() => _server.Auth().SignInAsync(new SignInRequest { Email = "lee@example.com", Password = IdentityApiServer.Password }).ResponseAsync);

        Assert.Equal("ACCOUNT_DISABLED", call.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(StatusCode.Unauthenticated, refresh.StatusCode);
        Assert.Equal("ACCOUNT_DISABLED", again.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task Paging_walks_every_user_once()
    {
        for (var i = 0; i < 7; i++)
        {
            await AdminUsers.CreateUserAsync(new CreateUserRequest { Email = $"p{i}@example.com", Password = IdentityApiServer.Password });
        }

        var seen = new List<string>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var page = await AdminUsers.ListUsersAsync(new ListUsersRequest { PageSize = 3, PageToken = token });
            seen.AddRange(page.Users.Select(u => u.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(8, seen.Count); // the bootstrap admin and seven more
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(3, pages);
        var forged = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.ListUsersAsync(new ListUsersRequest { PageToken = "bm90LWEtdG9rZW4" }).ResponseAsync);
        Assert.Equal("page_token", forged.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        var negative = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.ListUsersAsync(new ListUsersRequest { PageSize = -1 }).ResponseAsync);
        Assert.Equal("page_size", negative.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
    }

    public static TheoryData<string, string, string, string> BadUsers => new()
    {
        { "", IdentityApiServer.Password, "", "email" },
        { "not an email", IdentityApiServer.Password, "", "email" },
        { "Ann <ann@example.com>", IdentityApiServer.Password, "", "email" },
        { new string('a', 250) + "@example.com", IdentityApiServer.Password, "", "email" },
        { "ann@example.com", "short", "", "password" },
        { "ann@example.com", "password1234", "", "password" },
        { "ann@example.com", "ann-ann-ann-ann", "", "password" },
        { "ann@example.com", new string('x', 300), "", "password" },
        { "ann@example.com", IdentityApiServer.Password, new string('n', 201), "display_name" },
        { "ann@example.com", IdentityApiServer.Password, "bell\u0007", "display_name" },
    };

    [Theory]
    [MemberData(nameof(BadUsers))]
    public async Task A_bad_user_is_refused_with_the_field_named_and_nothing_is_created(string email, string password, string displayName, string field)
    {
        var before = await ListAllAsync(includeDisabled: true);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            AdminUsers.CreateUserAsync(new CreateUserRequest { Email = email, Password = password, DisplayName = displayName }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, error.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal("FIELD_INVALID", error.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(before.Count, (await ListAllAsync(includeDisabled: true)).Count);
    }

    [Fact]
    public async Task A_taken_email_is_already_exists_whatever_its_case()
    {
        await AdminUsers.CreateUserAsync(new CreateUserRequest { Email = "mia@example.com", Password = IdentityApiServer.Password });

        var error = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.CreateUserAsync(new CreateUserRequest { Email = "MIA@example.com", Password = IdentityApiServer.Password }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("email", error.GetDetail<ErrorInfo>()?.Metadata["field"]);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_request_id_creates_one_user()
    {
        var request = new CreateUserRequest { Email = "ned@example.com", Password = IdentityApiServer.Password, RequestId = Guid.NewGuid().ToString() };

        var first = await AdminUsers.CreateUserAsync(request);
        var retry = await AdminUsers.CreateUserAsync(request);
        var otherId = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.CreateUserAsync(new CreateUserRequest(request) { RequestId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(first.User, retry.User);
        Assert.Equal(StatusCode.AlreadyExists, otherId.StatusCode);
    }

    [Fact]
    public async Task Admins_cannot_make_owners_or_touch_them_and_members_cannot_manage_at_all()
    {
        var (_, admin) = await _server.CreateSignedInUserAsync("olga@example.com", "default", Role.Admin);
        var (member, memberSignIn) = await _server.CreateSignedInUserAsync("pete@example.com");
        var (owner, _) = await _server.CreateSignedInUserAsync("quinn@example.com", "default", Role.Owner);
        var asAdmin = new UserServiceClient(_server.Channel(admin.Tokens.AccessToken));

        var promote = await Assert.ThrowsAsync<RpcException>(() => asAdmin.SetUserRolesAsync(new SetUserRolesRequest { UserId = member.Id, Roles = { Role.Owner } }).ResponseAsync);
        var selfPromote = await Assert.ThrowsAsync<RpcException>(() => asAdmin.SetUserRolesAsync(new SetUserRolesRequest { UserId = admin.Principal.Id, Roles = { Role.Owner } }).ResponseAsync);
        var demoteOwner = await Assert.ThrowsAsync<RpcException>(() => asAdmin.SetUserRolesAsync(new SetUserRolesRequest { UserId = owner.Id, Roles = { Role.Member } }).ResponseAsync);
        var disableOwner = await Assert.ThrowsAsync<RpcException>(() => asAdmin.DisableUserAsync(new DisableUserRequest { UserId = owner.Id }).ResponseAsync);
        var createOwner = await Assert.ThrowsAsync<RpcException>(() => asAdmin.CreateUserAsync(new CreateUserRequest { Email = "rex@example.com", Password = IdentityApiServer.Password, Roles = { Role.Owner } }).ResponseAsync);
        var disableSelf = await Assert.ThrowsAsync<RpcException>(() => asAdmin.DisableUserAsync(new DisableUserRequest { UserId = admin.Principal.Id }).ResponseAsync);
        var asMember = await Assert.ThrowsAsync<RpcException>(() =>
            new UserServiceClient(_server.Channel(memberSignIn.Tokens.AccessToken)).SetUserRolesAsync(new SetUserRolesRequest { UserId = member.Id, Roles = { Role.Admin } }).ResponseAsync);
        var auditor = await asAdmin.SetUserRolesAsync(new SetUserRolesRequest { UserId = member.Id, Roles = { Role.Auditor, Role.Member, Role.Auditor } });

        Assert.All(new[] { promote, selfPromote, demoteOwner, disableOwner, createOwner, asMember }, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal(StatusCode.FailedPrecondition, disableSelf.StatusCode);
        Assert.Equal([Role.Member, Role.Auditor], auditor.User.Roles);
        Assert.Equal([Role.Owner], (await AdminUsers.GetUserAsync(new GetUserRequest { UserId = owner.Id })).User.Roles);
    }

    [Fact]
    public async Task A_role_change_takes_effect_on_the_next_call()
    {
        var (member, signIn) = await _server.CreateSignedInUserAsync("ruth@example.com");
        var asMember = new GroupServiceClient(_server.Channel(signIn.Tokens.AccessToken));

        var before = await Assert.ThrowsAsync<RpcException>(() => asMember.CreateGroupAsync(new CreateGroupRequest { Name = "ops" }).ResponseAsync);
        await AdminUsers.SetUserRolesAsync(new SetUserRolesRequest { UserId = member.Id, Roles = { Role.Admin } });
        var after = await asMember.CreateGroupAsync(new CreateGroupRequest { Name = "ops" });

        Assert.Equal(StatusCode.PermissionDenied, before.StatusCode);
        Assert.Equal("ops", after.Group.Name);
    }

    [Fact]
    public async Task Update_names_its_fields_and_refuses_unknown_ones()
    {
        var user = (await AdminUsers.CreateUserAsync(new CreateUserRequest { Email = "sam@example.com", Password = IdentityApiServer.Password })).User;

        var unknownPath = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.UpdateUserAsync(new UpdateUserRequest
        {
            User = new User { Id = user.Id, Roles = { Role.Owner } },
            UpdateMask = new FieldMask { Paths = { "roles" } },
        }).ResponseAsync);
        var badEmail = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.UpdateUserAsync(new UpdateUserRequest
        {
            User = new User { Id = user.Id, Email = "nope" },
            UpdateMask = new FieldMask { Paths = { "email" } },
        }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => AdminUsers.UpdateUserAsync(new UpdateUserRequest
        {
            User = new User { Id = "no-such-user", Email = "x@example.com" },
        }).ResponseAsync);

        Assert.Equal("update_mask", unknownPath.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal("user.email", badEmail.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal([Role.Member], (await AdminUsers.GetUserAsync(new GetUserRequest { UserId = user.Id })).User.Roles);
    }

    [Fact]
    public async Task Groups_have_members_of_the_tenant_only()
    {
        var groups = new GroupServiceClient(_server.Channel(TestServer.AdminToken));
        var user = (await AdminUsers.CreateUserAsync(new CreateUserRequest { Email = "tia@example.com", Password = IdentityApiServer.Password })).User;

        var group = (await groups.CreateGroupAsync(new CreateGroupRequest { Name = "design", DisplayName = "Design" })).Group;
        var joined = (await groups.AddGroupMemberAsync(new AddGroupMemberRequest { GroupId = group.Id, UserId = user.Id })).Group;
        var nobody = await Assert.ThrowsAsync<RpcException>(() => groups.AddGroupMemberAsync(new AddGroupMemberRequest { GroupId = group.Id, UserId = "no-such-user" }).ResponseAsync);
        var taken = await Assert.ThrowsAsync<RpcException>(() => groups.CreateGroupAsync(new CreateGroupRequest { Name = "design" }).ResponseAsync);
        var badName = await Assert.ThrowsAsync<RpcException>(() => groups.CreateGroupAsync(new CreateGroupRequest { Name = "Design Team" }).ResponseAsync);
        var left = (await groups.RemoveGroupMemberAsync(new RemoveGroupMemberRequest { GroupId = group.Id, UserId = user.Id })).Group;
        var notMember = await Assert.ThrowsAsync<RpcException>(() => groups.RemoveGroupMemberAsync(new RemoveGroupMemberRequest { GroupId = group.Id, UserId = user.Id }).ResponseAsync);
        var listed = (await groups.ListGroupsAsync(new())).Groups.Single(g => g.Id == group.Id);

        Assert.Equal([user.Id], joined.MemberIds);
        Assert.Equal(StatusCode.NotFound, nobody.StatusCode);
        Assert.Equal(StatusCode.AlreadyExists, taken.StatusCode);
        Assert.Equal("name", badName.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Empty(left.MemberIds);
        Assert.Equal(StatusCode.NotFound, notMember.StatusCode);
        Assert.Equal("Design", listed.DisplayName);
    }

    [Fact]
    public async Task A_disabled_service_account_loses_its_keys()
    {
        var accounts = new ServiceAccountServiceClient(_server.Channel(TestServer.AdminToken));
        var account = (await accounts.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "deploy-bot", Roles = { Role.Auditor } })).ServiceAccount;
        var key = await new ApiKeyServiceClient(_server.Channel(TestServer.AdminToken)).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "deploy", ServiceAccountId = account.Id });

        var before = await _server.Auth(key.Secret).GetCurrentIdentityAsync(new());
        var disabled = (await accounts.DisableServiceAccountAsync(new DisableServiceAccountRequest { ServiceAccountId = account.Id })).ServiceAccount;
        var after = await Assert.ThrowsAsync<RpcException>(() => _server.Auth(key.Secret).GetCurrentIdentityAsync(new()).ResponseAsync);

        Assert.Equal([Role.Auditor], before.Principal.Roles);
        Assert.True(disabled.Disabled);
        Assert.Equal("ACCOUNT_DISABLED", after.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains(account.Id, (await accounts.ListServiceAccountsAsync(new())).ServiceAccounts.Select(a => a.Id));
    }

    [Fact]
    public async Task Tenants_are_for_platform_administrators_and_a_new_tenant_gets_its_owner_from_one()
    {
        var tenants = new TenantServiceClient(_server.Channel(TestServer.AdminToken));
        var (acme, ownerToken, owner) = await _server.CreateTenantAsync("acme");

        var listed = (await tenants.ListTenantsAsync(new())).Tenants.Select(t => t.Name).ToList();
        var got = (await tenants.GetTenantAsync(new GetTenantRequest { TenantId = acme.Id })).Tenant;
        var ownerMe = (await _server.Auth(ownerToken).GetCurrentIdentityAsync(new())).Principal;
        var ownerCannotList = await Assert.ThrowsAsync<RpcException>(() => new TenantServiceClient(_server.Channel(ownerToken)).ListTenantsAsync(new()).ResponseAsync);
        var taken = await Assert.ThrowsAsync<RpcException>(() => tenants.CreateTenantAsync(new CreateTenantRequest { Name = "acme" }).ResponseAsync);
        var badName = await Assert.ThrowsAsync<RpcException>(() => tenants.CreateTenantAsync(new CreateTenantRequest { Name = "-acme" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => tenants.GetTenantAsync(new GetTenantRequest { TenantId = "nope" }).ResponseAsync);

        Assert.Equal(["acme", "default"], listed.Order());
        Assert.Equal(acme, got);
        Assert.Equal("acme", ownerMe.TenantName);
        Assert.Equal(owner.TenantId, acme.Id);
        Assert.Equal([Role.Owner], ownerMe.Roles);
        Assert.Equal(StatusCode.PermissionDenied, ownerCannotList.StatusCode);
        Assert.Equal(StatusCode.AlreadyExists, taken.StatusCode);
        Assert.Equal("name", badName.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_rest_face_creates_and_lists_users_with_proto3_json()
    {
        using var rest = _server.Rest(TestServer.AdminToken);

        using var created = await rest.PostAsJsonAsync("/v1/users", new { email = "uma@example.com", password = IdentityApiServer.Password, roles = new[] { "ROLE_AUDITOR" } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var weak = await rest.PostAsJsonAsync("/v1/users", new { email = "vic@example.com", password = "letmein" });
        var weakBody = await weak.Content.ReadAsStringAsync();
        var listed = await rest.GetFromJsonAsync<JsonElement>("/v1/users?pageSize=100");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("ROLE_AUDITOR", body.GetProperty("user").GetProperty("roles")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password", weakBody, StringComparison.Ordinal);
        Assert.Contains(listed.GetProperty("users").EnumerateArray(), u => u.GetProperty("email").GetString() == "uma@example.com");
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Directory_calls_work_the_same_on_both_stores(string provider)
    {
        await using var server = await IdentityApiServer.StartAsync(provider);
        var (tenant, ownerToken, _) = await server.CreateTenantAsync("initech");
        var users = new UserServiceClient(server.Channel(ownerToken));
        var groups = new GroupServiceClient(server.Channel(ownerToken));

        var user = (await users.CreateUserAsync(new CreateUserRequest { Email = "wes@initech.example", Password = IdentityApiServer.Password, RequestId = "r-1" })).User;
        var retried = (await users.CreateUserAsync(new CreateUserRequest { Email = "wes@initech.example", Password = IdentityApiServer.Password, RequestId = "r-1" })).User;
        var group = (await groups.CreateGroupAsync(new CreateGroupRequest { Name = "tps" })).Group;
        await groups.AddGroupMemberAsync(new AddGroupMemberRequest { GroupId = group.Id, UserId = user.Id });
        var listed = (await users.ListUsersAsync(new())).Users;

        Assert.Equal(tenant.Id, user.TenantId);
        Assert.Equal(user, retried);
        Assert.Equal(2, listed.Count);
        Assert.Equal([user.Id], (await groups.ListGroupsAsync(new())).Groups.Single().MemberIds);
    }

    private async Task<List<User>> ListAllAsync(bool includeDisabled) =>
        [.. (await AdminUsers.ListUsersAsync(new ListUsersRequest { PageSize = 500, IncludeDisabled = includeDisabled })).Users];
}
