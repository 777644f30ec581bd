using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;

namespace Atom.Server.Tests.Identity.Authorization;

/// <summary>
/// The authentication cache across two real server processes' worth of state: two servers sharing one PostgreSQL
/// database. A change made through one node applies on the other within the cache lifetime (and at once with the
/// cache off); changes made through the same node are covered by the API tests (revocation, roles, disabling).
/// </summary>
public sealed class CallerCacheTests
{
    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:00:00")]
    public async Task A_key_revoked_on_one_node_stops_working_on_the_other_within_the_cache_lifetime(string lifetime)
    {
        var (options, _) = await StoreProvider.CreateAsync("postgres");
        await using var first = await IdentityApiServer.StartAsync("postgres", $"--Atom:Storage:ConnectionString={options.ConnectionString}");
        await using var second = await IdentityApiServer.StartAsync("postgres", $"--Atom:Storage:ConnectionString={options.ConnectionString}", $"--Atom:Identity:CallerCacheLifetime={lifetime}");
        var key = await new ApiKeyServiceClient(first.Channel(TestServer.AdminToken)).CreateApiKeyAsync(new CreateApiKeyRequest { Name = "shared" });

        var before = await second.Auth(key.Secret).GetCurrentIdentityAsync(new());
        await new ApiKeyServiceClient(first.Channel(TestServer.AdminToken)).RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = key.ApiKey.Id });
        await Task.Delay(TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) + TimeSpan.FromMilliseconds(200));
        var after = await Assert.ThrowsAsync<RpcException>(() => second.Auth(key.Secret).GetCurrentIdentityAsync(new()).ResponseAsync);

        Assert.Equal(key.ApiKey.PrincipalId, before.Principal.Id);
        Assert.Equal("CREDENTIAL_REVOKED", after.GetDetail<ErrorInfo>()?.Reason);
    }
}
