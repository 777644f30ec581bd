using Atom.Server.Storage;
using Atom.Server.Storage.Internal;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atom.Server.Tests.Storage;

public sealed class MigrationRunnerTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_fresh_store_gets_every_migration_once(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        await using var database = AtomDatabase.Create(options, dataDir);
        var runner = new MigrationRunner(database, NullLogger<MigrationRunner>.Instance);

        var first = await runner.MigrateAsync(CancellationToken.None);
        var second = await runner.MigrateAsync(CancellationToken.None);

        var expected = MigrationRunner.Load(database.Dialect).Count;
        Assert.Equal(expected, first);
        Assert.Equal(0, second);
        await using var connection = await database.OpenAsync();
        Assert.Equal(expected, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM atom_schema"));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_store_newer_than_the_server_is_refused_and_left_alone(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        await using var database = AtomDatabase.Create(options, dataDir);
        var runner = new MigrationRunner(database, NullLogger<MigrationRunner>.Instance);
        await runner.MigrateAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO atom_schema (version, name, checksum, applied_at) VALUES (999, 'from_the_future', 'x', 0)");
        }

        var error = await Assert.ThrowsAsync<StoreTooNewException>(() => runner.MigrateAsync(CancellationToken.None));

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        await using var check = await database.OpenAsync();
        Assert.Equal(999, await check.ExecuteScalarAsync<long>("SELECT max(version) FROM atom_schema"));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_changed_applied_migration_is_refused(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        await using var database = AtomDatabase.Create(options, dataDir);
        var runner = new MigrationRunner(database, NullLogger<MigrationRunner>.Instance);
        await runner.MigrateAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE atom_schema SET checksum = 'edited' WHERE version = 1");
        }

        var error = await Assert.ThrowsAsync<StoreTooNewException>(() => runner.MigrateAsync(CancellationToken.None));
        Assert.Contains("Migration 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_audit_log_is_append_only(string provider)
    {
        await using var database = await StoreProvider.CreateMigratedAsync(provider);
        await database.InTenantAsync("t1", (c, t) => c.ExecuteAsync(
            "INSERT INTO audit_events (tenant_id, occurred_at, actor, action) VALUES ('t1', 1, 'system', 'test')", transaction: t));

        await Assert.ThrowsAnyAsync<Exception>(() => database.InTenantAsync("t1", (c, t) => c.ExecuteAsync("UPDATE audit_events SET action = 'forged'", transaction: t)));
        await Assert.ThrowsAnyAsync<Exception>(() => database.InTenantAsync("t1", (c, t) => c.ExecuteAsync("DELETE FROM audit_events", transaction: t)));

        var action = await database.InTenantAsync("t1", (c, t) => c.ExecuteScalarAsync<string>("SELECT action FROM audit_events", transaction: t));
        Assert.Equal("test", action);
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode_with_foreign_keys()
    {
        await using var database = await StoreProvider.CreateMigratedAsync("sqlite");
        await using var connection = await database.OpenAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
    }
}
