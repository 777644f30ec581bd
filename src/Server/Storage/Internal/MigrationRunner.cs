using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Storage.Internal;

/// <summary>One versioned .sql file of a dialect.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// Applies the embedded migrations of the store's dialect at start-up: each in its own transaction,
/// recorded in atom_schema with its checksum. Refuses a store that is newer than this server, or whose
/// applied migrations differ from the ones this server carries.
/// </summary>
internal sealed partial class MigrationRunner(AtomDatabase database, ILogger<MigrationRunner> logger)
{
    private const string ResourcePrefix = "Atom.Storage.Migrations/";

    public static IReadOnlyList<Migration> Load(SqlDialect dialect)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = ResourcePrefix + dialect.Name + "/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration '{file}' is not named NNNN_description.sql.");
            }

            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"The {dialect} migrations must be numbered 1, 2, 3, ... without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    /// <summary>Brings the store to the newest schema this server knows.</summary>
    /// <returns>The number of migrations applied.</returns>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = Load(database.Dialect);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Dialect == SqlDialect.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; the setting persists in the file.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }

        await connection.ExecuteAsync(CreateSchemaTable(database.Dialect));
        var applied = 0;
        foreach (var migration in migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (database.Dialect == SqlDialect.Postgres)
            {
                // Several nodes may start at once: one migrates, the others wait and then find nothing to do.
                await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7400740074)", transaction: transaction);
            }

            var rows = (await connection.QueryAsync<(long Version, string Name, string Checksum)>(
                "SELECT version, name, checksum FROM atom_schema ORDER BY version", transaction: transaction)).ToList();
            if (migration.Version == 1)
            {
                Verify(rows, migrations);
            }

            if (rows.Any(r => r.Version == migration.Version))
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO atom_schema (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)",
                new { migration.Version, migration.Name, migration.Checksum, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction);
            await transaction.CommitAsync(cancellationToken);
            Log.Applied(logger, migration.Version, migration.Name, database.Dialect.Name);
            applied++;
        }

        return applied;
    }

    private void Verify(List<(long Version, string Name, string Checksum)> rows, IReadOnlyList<Migration> migrations)
    {
        var newest = rows.Count == 0 ? 0 : rows.Max(r => r.Version);
        if (newest > migrations.Count)
        {
            throw new StoreTooNewException(
                $"The store at {database.Location} has schema version {newest}, newer than this server understands ({migrations.Count}). " +
                "It was written by a newer Atom: run that version, or restore a backup made for this one. Nothing was changed.");
        }

        foreach (var row in rows)
        {
            var known = migrations[(int)row.Version - 1];
            if (known.Checksum != row.Checksum)
            {
                throw new StoreTooNewException(
                    $"Migration {row.Version} ({row.Name}) applied to {database.Location} differs from the one this server carries " +
                    $"(checksum {Short(row.Checksum)} vs {Short(known.Checksum)}). Applied migrations must never change. Nothing was changed.");
            }
        }
    }

    private static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] : checksum;

    private static string CreateSchemaTable(SqlDialect dialect) => dialect == SqlDialect.Postgres
        ? "CREATE TABLE IF NOT EXISTS atom_schema (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)"
        : "CREATE TABLE IF NOT EXISTS atom_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Applied migration {Version} ({Name}) to the {Dialect} store")]
        public static partial void Applied(ILogger logger, int version, string name, string dialect);
    }
}
