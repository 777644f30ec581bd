using System.Net;
using Atom.Sdk;
using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity.Authorization;

/// <summary>The real chain on a real server: credentials from the identity store, checked by the authorization interceptor.</summary>
public sealed class IdentityCallerAuthenticatorTests(TestServer server) : IClassFixture<TestServer>
{
    private T Service<T>()
        where T : notnull => server.Server.Services.GetRequiredService<T>();

    private ServerServiceClient Client(string? token) => new(AtomChannel.ForAddress(server.GrpcAddress.ToString(),
        new AtomChannelOptions { Credentials = CallCredentials.FromBearerToken(token) }));

    [Fact]
    public async Task The_bootstrap_admin_key_is_served()
    {
        var info = await Client(TestServer.AdminToken).GetServerInfoAsync(new());

        Assert.NotEmpty(info.Version);
    }

    [Fact]
    public async Task An_access_token_works_until_its_user_is_disabled()
    {
        var tenant = (await Service<TenantStore>().FindByNameAsync("default"))!;
        var user = await Service<UserStore>().CreateAsync(tenant.Id, new NewUser($"m{Guid.NewGuid():N}@example.com", "Member", [Role.Member]));
        var token = await Service<AccessTokenService>().IssueAsync(new AccessTokenSubject(user.Id, tenant.Id, PrincipalKind.User));

        var served = await Client(token.Token).GetServerInfoAsync(new());
        await Service<UserStore>().DisableAsync(tenant.Id, user.Id);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client(token.Token).GetServerInfoAsync(new()).ResponseAsync);

        Assert.NotEmpty(served.Version);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("disabled", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_api_key_is_refused_at_once()
    {
        var tenant = (await Service<TenantStore>().FindByNameAsync("default"))!;
        var user = await Service<UserStore>().CreateAsync(tenant.Id, new NewUser($"k{Guid.NewGuid():N}@example.com", "Keyholder", [Role.Member]));
        var key = await Service<ApiKeyService>().CreateAsync(tenant.Id, user.Id, PrincipalKind.User, "ci", []);

        var served = await Client(key.Secret).GetServerInfoAsync(new());
        await Service<ApiKeyService>().RevokeAsync(tenant.Id, key.Key.Id);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client(key.Secret).GetServerInfoAsync(new()).ResponseAsync);

        Assert.NotEmpty(served.Version);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_lacks_the_permission_a_member_has()
    {
        var tenant = (await Service<TenantStore>().FindByNameAsync("default"))!;
        var guest = await Service<UserStore>().CreateAsync(tenant.Id, new NewUser($"g{Guid.NewGuid():N}@example.com", "Guest", [Role.Guest]));
        var token = await Service<AccessTokenService>().IssueAsync(new AccessTokenSubject(guest.Id, tenant.Id, PrincipalKind.User));

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client(token.Token).GetServerInfoAsync(new()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Theory]
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    [InlineData("atom_t3stadm1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task Forged_or_unknown_credentials_are_unauthenticated_on_every_face(string credential)
    {
        var grpc = await Assert.ThrowsAsync<RpcException>(() => Client(credential).GetServerInfoAsync(new()).ResponseAsync);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.TryAddWithoutValidation("authorization", "Bearer " + credential);
        using var rest = await http.GetAsync("/v1/server/info");

        Assert.Equal(StatusCode.Unauthenticated, grpc.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }
}
