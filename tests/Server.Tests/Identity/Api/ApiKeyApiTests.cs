using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Identity;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>ApiKeyService on a real server: keys are shown once, scoped, expiring, revocable, and never grant more than the key that made them.</summary>
public sealed class ApiKeyApiTests : IAsyncLifetime
{
    private IdentityApiServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ApiKeyServiceClient Keys(string token) => new(_server.Channel(token));

    [Fact]
    public async Task A_key_is_shown_once_works_and_stops_working_when_revoked()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("ann@example.com");
        var keys = Keys(signIn.Tokens.AccessToken);

        var created = await keys.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "laptop script" });
        var me = await _server.Auth(created.Secret).GetCurrentIdentityAsync(new());
        var listed = (await keys.ListApiKeysAsync(new())).ApiKeys.Single();
        var revoked = (await keys.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = created.ApiKey.Id })).ApiKey;
        var refused = await Assert.ThrowsAsync<RpcException>(() => _server.Auth(created.Secret).GetCurrentIdentityAsync(new()).ResponseAsync);

        Assert.StartsWith("atom_" + created.ApiKey.Prefix + "_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(signIn.Principal.Id, me.Principal.Id);
        Assert.Equal("api_key", me.Principal.AuthenticatedBy);
        Assert.Equal(created.ApiKey.Id, listed.Id);
        Assert.DoesNotContain(created.Secret, listed.ToString(), StringComparison.Ordinal);
        Assert.NotNull(listed.LastUsedTime);
        Assert.NotNull(revoked.RevokeTime);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("CREDENTIAL_REVOKED", refused.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_scoped_key_may_do_only_its_scopes_and_cannot_mint_a_broader_key()
    {
        var (_, signIn) = await _server.CreateSignedInUserAsync("bob@example.com", "default", Role.Admin);
        var scoped = await Keys(signIn.Tokens.AccessToken).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "reader", Scopes = { "directory_read" } });

        var read = await new UserServiceClient(_server.Channel(scoped.Secret)).ListUsersAsync(new());
        var write = await Assert.ThrowsAsync<RpcException>(() =>
            new GroupServiceClient(_server.Channel(scoped.Secret)).CreateGroupAsync(new CreateGroupRequest { Name = "nope" }).ResponseAsync);
        var unscoped = await Assert.ThrowsAsync<RpcException>(() => Keys(scoped.Secret).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "escalate" }).ResponseAsync);
        var broader = await Assert.ThrowsAsync<RpcException>(() =>
            Keys(scoped.Secret).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "escalate", Scopes = { "directory_manage" } }).ResponseAsync);
        var narrower = await Keys(scoped.Secret).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "same", Scopes = { "directory_read" } });

        Assert.NotEmpty(read.Users);
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, unscoped.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, broader.StatusCode);
        Assert.Equal(["directory_read"], narrower.ApiKey.Scopes);
    }

    public static TheoryData<CreateApiKeyRequest, string> BadKeys => new()
    {
        { new CreateApiKeyRequest(), "name" },
        { new CreateApiKeyRequest { Name = new string('k', 101) }, "name" },
        { new CreateApiKeyRequest { Name = "k", Scopes = { "everything" } }, "scopes" },
        { new CreateApiKeyRequest { Name = "k", ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)) }, "expire_time" },
        { new CreateApiKeyRequest { Name = "k", RequestId = new string('r', 200) }, "request_id" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_key_request_names_the_field_and_creates_nothing(CreateApiKeyRequest request, string field)
    {
        var keys = Keys(TestServer.AdminToken);
        var before = (await keys.ListApiKeysAsync(new())).ApiKeys.Count;

        var error = await Assert.ThrowsAsync<RpcException>(() => keys.CreateApiKeyAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, error.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
        Assert.Equal(before, (await keys.ListApiKeysAsync(new())).ApiKeys.Count);
    }

    [Fact]
    public async Task An_expired_key_is_refused_as_expired()
    {
        var created = await Keys(TestServer.AdminToken).CreateApiKeyAsync(new CreateApiKeyRequest
        {
            Name = "short-lived",
            ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(1.5)),
        });

        var before = await _server.Auth(created.Secret).GetCurrentIdentityAsync(new());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await Assert.ThrowsAsync<RpcException>(() => _server.Auth(created.Secret).GetCurrentIdentityAsync(new()).ResponseAsync);

        Assert.NotNull(before.Principal);
        Assert.Equal("CREDENTIAL_EXPIRED", after.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task Members_see_and_revoke_only_their_own_keys_while_admins_manage_all()
    {
        var (_, ann) = await _server.CreateSignedInUserAsync("carl@example.com");
        var (_, bob) = await _server.CreateSignedInUserAsync("dora@example.com");
        var annKey = await Keys(ann.Tokens.AccessToken).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "carl's" });
        await Keys(bob.Tokens.AccessToken).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "dora's" });

        var bobSees = (await Keys(bob.Tokens.AccessToken).ListApiKeysAsync(new())).ApiKeys.Select(k => k.Name).ToList();
        var bobRevokes = await Assert.ThrowsAsync<RpcException>(() => Keys(bob.Tokens.AccessToken).RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = annKey.ApiKey.Id }).ResponseAsync);
        var forAccount = await Assert.ThrowsAsync<RpcException>(() => Keys(bob.Tokens.AccessToken).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "x", ServiceAccountId = "any" }).ResponseAsync);
        var adminSees = (await Keys(TestServer.AdminToken).ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).ApiKeys.Select(k => k.Name).ToList();
        await Keys(TestServer.AdminToken).RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = annKey.ApiKey.Id });

        Assert.Equal(["dora's"], bobSees);
        Assert.Equal(StatusCode.NotFound, bobRevokes.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, forAccount.StatusCode);
        Assert.Contains("carl's", adminSees);
        Assert.Contains("dora's", adminSees);
        Assert.Equal("CREDENTIAL_REVOKED", (await Assert.ThrowsAsync<RpcException>(() => _server.Auth(annKey.Secret).GetCurrentIdentityAsync(new()).ResponseAsync)).GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_retried_create_does_not_make_a_second_key_and_never_shows_the_secret_again()
    {
        var keys = Keys(TestServer.AdminToken);
        var request = new CreateApiKeyRequest { Name = "retried", RequestId = "create-key-1" };

        var first = await keys.CreateApiKeyAsync(request);
        var retry = await Assert.ThrowsAsync<RpcException>(() => keys.CreateApiKeyAsync(request).ResponseAsync);
        var named = (await keys.ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).ApiKeys.Where(k => k.Name == "retried").ToList();

        Assert.Equal(StatusCode.AlreadyExists, retry.StatusCode);
        Assert.Equal(first.ApiKey.Id, retry.GetDetail<ResourceInfo>()?.ResourceName);
        Assert.DoesNotContain(first.Secret, retry.Status.Detail, StringComparison.Ordinal);
        Assert.Single(named);
    }

    [Fact]
    public async Task Key_creation_and_revocation_are_audited()
    {
        var keys = Keys(TestServer.AdminToken);
        var created = await keys.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "audited" });
        await keys.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = created.ApiKey.Id });
        await keys.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = created.ApiKey.Id });

        var events = (await _server.AuditEventsAsync()).Where(e => e.Target == created.ApiKey.Id).Select(e => e.Action).ToList();

        Assert.Equal([AuditActions.ApiKeyCreated, AuditActions.ApiKeyRevoked], events);
    }
}
