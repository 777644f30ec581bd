using Atom.Server.Storage;
using Atom.Server.Storage.Internal;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atom.Server.Tests.Storage;

/// <summary>PostgreSQL's policies hide other tenants' rows even from a query with no tenant filter at all.</summary>
public sealed class RowLevelSecurityTests
{
    [Fact]
    public async Task A_query_without_a_tenant_filter_sees_only_its_tenant()
    {
        await using var database = await StoreProvider.CreateMigratedAsync("postgres");
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('a', 'a', 'alpha', 'Alpha', 0), ('b', 'b', 'beta', 'Beta', 0)", transaction: t));

        var seenByA = await database.InTenantAsync("a", async (c, t) => (await c.QueryAsync<string>("SELECT name FROM tenants", transaction: t)).ToList());
        var seenByPlatform = await database.AsPlatformAsync(async (c, t) => (await c.QueryAsync<string>("SELECT name FROM tenants ORDER BY name", transaction: t)).ToList());

        Assert.Equal(["alpha"], seenByA);
        Assert.Equal(["alpha", "beta"], seenByPlatform);
    }

    [Fact]
    public async Task A_tenant_cannot_write_a_row_of_another_tenant()
    {
        await using var database = await StoreProvider.CreateMigratedAsync("postgres");

        var error = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => database.InTenantAsync("a", (c, t) => c.ExecuteAsync(
            "INSERT INTO audit_events (tenant_id, occurred_at, actor, action) VALUES ('b', 0, 'x', 'forged')", transaction: t)));
        Assert.Equal("42501", error.SqlState); // insufficient_privilege: new row violates row-level security policy
    }

    [Fact]
    public async Task Without_a_tenant_a_transaction_sees_nothing()
    {
        await using var database = await StoreProvider.CreateMigratedAsync("postgres");
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('a', 'a', 'alpha', 'Alpha', 0)", transaction: t));

        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tenants"));
    }
}
