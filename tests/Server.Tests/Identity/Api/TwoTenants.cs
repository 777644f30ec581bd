using Atom.Server.Tests.Storage;
using Atom.V1;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// A real server on one store with two tenants, "acme" and "globex", each with an owner, a member, a group
/// holding the member, a service account, an API key of the owner's and one of the service account's.
/// </summary>
public sealed class TwoTenants : IAsyncDisposable
{
    private TwoTenants(string provider, IdentityApiServer server, TenantSide acme, TenantSide globex)
    {
        Provider = provider;
        Server = server;
        Acme = acme;
        Globex = globex;
    }

    public string Provider { get; }

    public IdentityApiServer Server { get; }

    public TenantSide Acme { get; }

    public TenantSide Globex { get; }

    public static async Task<TwoTenants> StartAsync(string provider)
    {
        var server = await IdentityApiServer.StartAsync(provider);
        try
        {
            var sides = await Task.WhenAll(TenantSide.CreateAsync(server, "acme"), TenantSide.CreateAsync(server, "globex"));
            return new TwoTenants(provider, server, sides[0], sides[1]);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of <paramref name="side"/>'s owner, signed in with an access token.</summary>
    public FaceClient Owner(TenantSide side, Face face) => FaceClient.Bearer(Server, face, side.OwnerToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>One tenant of <see cref="TwoTenants"/>, and what it looked like when it was set up.</summary>
public sealed class TenantSide
{
    public required string Name { get; init; }

    public required Tenant Tenant { get; init; }

    public required string OwnerToken { get; init; }

    public required User Owner { get; init; }

    public required User Member { get; init; }

    public required Group Group { get; init; }

    public required ServiceAccount ServiceAccount { get; init; }

    public required ApiKey OwnerKey { get; init; }

    public required string OwnerKeySecret { get; init; }

    public required ApiKey ServiceAccountKey { get; init; }

    public required string ServiceAccountKeySecret { get; init; }

    /// <summary>Gets the request_id the group was created with.</summary>
    public string GroupRequestId => $"{Name}-staff-1";

    /// <summary>Gets every id of the tenant's things.</summary>
    public IReadOnlyList<string> Ids => [Tenant.Id, Owner.Id, Member.Id, Group.Id, ServiceAccount.Id, OwnerKey.Id, ServiceAccountKey.Id];

    /// <summary>Gets everything another tenant must never be told: ids, names, emails, key prefixes and secrets.</summary>
    public IReadOnlyList<string> Secrets =>
        [.. Ids, Name, Owner.Email, Member.Email, OwnerKey.Prefix, ServiceAccountKey.Prefix, OwnerKeySecret, ServiceAccountKeySecret, OwnerToken];

    public static async Task<TenantSide> CreateAsync(IdentityApiServer server, string name)
    {
        var (tenant, ownerToken, owner) = await server.CreateTenantAsync(name);
        using var client = FaceClient.Bearer(server, Face.Grpc, ownerToken);
        var member = (await client.CallAsync(IdentityCalls.CreateUser($"member@{name}.example"))).User;
        var group = (await client.CallAsync(IdentityCalls.CreateGroup("staff", $"{name}-staff-1"))).Group;
        group = (await client.CallAsync(IdentityCalls.AddGroupMember(group.Id, member.Id))).Group;
        var account = (await client.CallAsync(IdentityCalls.CreateServiceAccount("robot"))).ServiceAccount;
        var ownerKey = await client.CallAsync(IdentityCalls.CreateApiKey("owner's key"));
        var accountKey = await client.CallAsync(IdentityCalls.CreateApiKey("robot's key", account.Id));
        return new TenantSide
        {
            Name = name,
            Tenant = tenant,
            OwnerToken = ownerToken,
            Owner = (await client.CallAsync(IdentityCalls.GetUser(owner.Id))).User,
            Member = member,
            Group = group,
            ServiceAccount = account,
            OwnerKey = ownerKey.ApiKey,
            OwnerKeySecret = ownerKey.Secret,
            ServiceAccountKey = accountKey.ApiKey,
            ServiceAccountKeySecret = accountKey.Secret,
        };
    }

    /// <summary>
    /// Asserts, as this tenant's owner sees it, that nothing set up has changed (keys may have been used since:
    /// last_used_time is not compared) and, unless <paramref name="nothingNew"/> is false, that nothing was added.
    /// </summary>
    public async Task AssertUnchangedAsync(IdentityApiServer server, string after, bool nothingNew = true)
    {
        using var client = FaceClient.Bearer(server, Face.Grpc, OwnerToken);
        var users = (await client.CallAsync(IdentityCalls.ListUsers())).Users;
        var groups = (await client.CallAsync(IdentityCalls.ListGroups())).Groups;
        var accounts = (await client.CallAsync(IdentityCalls.ListServiceAccounts())).ServiceAccounts;
        var keys = (await client.CallAsync(IdentityCalls.ListApiKeys())).ApiKeys.Select(WithoutLastUse).ToList();

        AssertSame(Member, users.SingleOrDefault(u => u.Id == Member.Id), "member", after);
        AssertSame(Owner, users.SingleOrDefault(u => u.Id == Owner.Id), "owner", after);
        AssertSame(Group, groups.SingleOrDefault(g => g.Id == Group.Id), "group", after);
        AssertSame(ServiceAccount, accounts.SingleOrDefault(a => a.Id == ServiceAccount.Id), "service account", after);
        AssertSame(WithoutLastUse(OwnerKey), keys.SingleOrDefault(k => k.Id == OwnerKey.Id), "owner's API key", after);
        AssertSame(WithoutLastUse(ServiceAccountKey), keys.SingleOrDefault(k => k.Id == ServiceAccountKey.Id), "service account's API key", after);
        if (nothingNew)
        {
            Assert.True(users.Count == 2, $"{Name} has new users after {after}: {users}");
            Assert.True(groups.Count == 1, $"{Name} has new groups after {after}: {groups}");
            Assert.True(accounts.Count == 1, $"{Name} has new service accounts after {after}: {accounts}");
            Assert.True(keys.Count == 2, $"{Name} has new API keys after {after}: {string.Join(", ", keys)}");
        }
    }

    private void AssertSame<T>(T expected, T? actual, string what, string after)
        where T : class, global::Google.Protobuf.IMessage<T> =>
        Assert.True(expected.Equals(actual), $"{Name}'s {what} changed after {after}: it was {expected}, it is {actual?.ToString() ?? "gone"}");

    private static ApiKey WithoutLastUse(ApiKey key)
    {
        var copy = key.Clone();
        copy.LastUsedTime = null;
        return copy;
    }
}

/// <summary>Both stores at once, started in parallel: one <see cref="TwoTenants"/> per provider, shared by a test class.</summary>
public sealed class TwoTenantsOnBothStores : IAsyncLifetime
{
    private readonly Dictionary<string, TwoTenants> _byProvider = [];

    /// <summary>Every provider paired with every face.</summary>
    public static TheoryData<string, Face> ProvidersAndFaces
    {
        get
        {
            var data = new TheoryData<string, Face>();
            foreach (var row in StoreProvider.Both)
            {
                foreach (var face in Enum.GetValues<Face>())
                {
                    data.Add(row, face);
                }
            }

            return data;
        }
    }

    public TwoTenants this[string provider] => _byProvider[provider];

    public async Task InitializeAsync()
    {
        var providers = new List<string>();
        foreach (var provider in StoreProvider.Both)
        {
            providers.Add(provider);
        }

        var starting = providers.Select(TwoTenants.StartAsync).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            foreach (var world in starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result))
            {
                _byProvider[world.Provider] = world;
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var world in _byProvider.Values)
        {
            await world.DisposeAsync();
        }
    }
}
