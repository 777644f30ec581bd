using Atom.Server.Hosting;
using Atom.Server.Identity;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Role = Atom.V1.Role;

namespace Atom.Server.Tests.Identity;

/// <summary>The first start of a real server creates the default tenant, the admin and a key; later starts create nothing.</summary>
public sealed class IdentityBootstrapperTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_first_start_creates_tenant_admin_and_a_key_written_to_admin_token(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        string[] args = [.. Loopback, .. StoreProvider.ServerArguments(options, dataDir)];

        string secret;
        await using (var server = AtomServer.Create(args))
        {
            await server.StartAsync();
            var file = Path.Combine(dataDir, IdentityBootstrapper.AdminTokenFile);
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            secret = (await File.ReadAllTextAsync(file)).Trim();

            var services = server.Services;
            var validation = await services.GetRequiredService<ApiKeyService>().ValidateAsync(secret);
            Assert.Equal(ApiKeyStatus.Valid, validation.Status);

            var tenant = (await services.GetRequiredService<TenantStore>().FindByNameAsync(IdentityBootstrapper.DefaultTenantName))!;
            var admin = (await services.GetRequiredService<UserStore>().FindByEmailAsync(tenant.Id, IdentityBootstrapper.AdminEmail))!;
            Assert.Equal((tenant.Id, admin.Id, PrincipalKind.User), (validation.Key!.TenantId, validation.Key.PrincipalId, validation.Key.PrincipalKind));
            Assert.Equal(("Administrator", true, false), (admin.DisplayName, admin.PlatformAdmin, admin.HasPassword));
            Assert.Equal([Role.Owner], admin.Roles);

            var actions = (await services.GetRequiredService<AuditLog>().ListAsync(tenant.Id, PageRequest.First)).Items.Select(e => e.Event.Action).ToList();
            Assert.Equal([AuditActions.TenantCreated, AuditActions.UserCreated, AuditActions.ApiKeyCreated, AuditActions.BootstrapCompleted], actions);
            await server.StopAsync();
        }

        // The second start finds a tenant and creates nothing, even with an admin token configured now.
        File.Delete(Path.Combine(dataDir, IdentityBootstrapper.AdminTokenFile));
        await using (var again = AtomServer.Create([.. args, "--Atom:Bootstrap:AdminToken=" + ApiKeySecret.Generate()]))
        {
            await again.StartAsync();
            Assert.False(File.Exists(Path.Combine(dataDir, IdentityBootstrapper.AdminTokenFile)));
            var counts = await again.Services.GetRequiredService<AtomDatabase>().AsPlatformAsync(async (c, t) => (
                await c.ExecuteScalarAsync<long>("SELECT count(*) FROM tenants", transaction: t),
                await c.ExecuteScalarAsync<long>("SELECT count(*) FROM users", transaction: t),
                await c.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys", transaction: t)));
            Assert.Equal((1L, 1L, 1L), counts);
            Assert.Equal(ApiKeyStatus.Valid, (await again.Services.GetRequiredService<ApiKeyService>().ValidateAsync(secret)).Status);
            await again.StopAsync();
        }
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_configured_admin_token_becomes_the_admin_key(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        var token = ApiKeySecret.Generate();
        await using var server = AtomServer.Create([.. Loopback, .. StoreProvider.ServerArguments(options, dataDir), "--Atom:Bootstrap:AdminToken=" + token]);
        await server.StartAsync();

        Assert.False(File.Exists(Path.Combine(dataDir, IdentityBootstrapper.AdminTokenFile)));
        var validation = await server.Services.GetRequiredService<ApiKeyService>().ValidateAsync(token);
        Assert.Equal(ApiKeyStatus.Valid, validation.Status);
        Assert.Equal(token.Substring(5, 8), validation.Key!.Prefix);
        await server.StopAsync();
    }

    [Fact]
    public async Task A_malformed_admin_token_stops_the_start_with_the_reason()
    {
        var (options, dataDir) = await StoreProvider.CreateAsync("sqlite");
        await using var server = AtomServer.Create([.. Loopback, .. StoreProvider.ServerArguments(options, dataDir), "--Atom:Bootstrap:AdminToken=hunter2"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => server.StartAsync());

        Assert.Contains("Atom:Bootstrap:AdminToken", error.Message, StringComparison.Ordinal);
        Assert.Contains("57 characters", error.Message, StringComparison.Ordinal);
        var database = server.Services.GetRequiredService<AtomDatabase>();
        Assert.Equal(0, await database.AsPlatformAsync((c, t) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM tenants", transaction: t)));
    }

    private static readonly string[] Loopback = ["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0"];
}
