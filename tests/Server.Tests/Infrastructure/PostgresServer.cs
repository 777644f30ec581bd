using System.Globalization;
using Npgsql;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 for tests: the one ./build.sh test started (ATOM_TEST_POSTGRES), or else one this
/// process starts with tests/scripts/postgres.sh and stops on exit. Each caller gets a fresh database.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates an empty database owned by the non-superuser application role and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(Server.Value);
        var name = "atom_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        server.Database = name;
        return server.ConnectionString;
    }

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("ATOM_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var port = 20000 + Random.Shared.Next(20000);
        return ServerScript.Start("postgres.sh", port.ToString(CultureInfo.InvariantCulture));
    }
}
