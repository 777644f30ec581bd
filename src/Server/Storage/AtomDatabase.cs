using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Atom.Server.Storage;

/// <summary>
/// The relational store: opens connections and runs units of work in transactions. Work done for a
/// tenant runs with that tenant set on the transaction, which PostgreSQL's row-level security
/// policies check on every row, so a query that forgets its tenant filter still sees only that tenant.
/// </summary>
public sealed class AtomDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqlite;
    private readonly int _busyTimeoutMs;

    private AtomDatabase(SqlDialect dialect, NpgsqlDataSource? postgres, string? sqlite, TimeSpan busyTimeout)
    {
        Dialect = dialect;
        _postgres = postgres;
        _sqlite = sqlite;
        _busyTimeoutMs = (int)busyTimeout.TotalMilliseconds;
    }

    /// <summary>Gets the SQL dialect of the store.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Gets a description of where the data lives, without secrets.</summary>
    public string Location { get; private init; } = string.Empty;

    /// <summary>Creates the store the options describe.</summary>
    /// <param name="options">The storage options.</param>
    /// <param name="dataDir">The data directory, for the SQLite file.</param>
    /// <returns>The store.</returns>
    public static AtomDatabase Create(StorageOptions options, string dataDir)
    {
        switch (options.Provider.ToLowerInvariant())
        {
            case "sqlite":
                Directory.CreateDirectory(dataDir);
                var builder = new SqliteConnectionStringBuilder(options.ConnectionString ?? string.Empty);
                if (string.IsNullOrEmpty(builder.DataSource))
                {
                    builder.DataSource = Path.Combine(dataDir, "atom.db");
                }

                builder.ForeignKeys = true;
                builder.Pooling = true;
                builder.DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds);
                return new AtomDatabase(SqlDialect.Sqlite, null, builder.ToString(), options.BusyTimeout) { Location = Path.GetFullPath(builder.DataSource) };

            case "postgres" or "postgresql":
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException("Atom:Storage:Provider is postgres but Atom:Storage:ConnectionString is empty.");
                }

                var source = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
                var pg = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                return new AtomDatabase(SqlDialect.Postgres, source, null, options.BusyTimeout) { Location = $"postgres://{pg.Host}:{pg.Port}/{pg.Database}" };

            default:
                throw new InvalidOperationException($"Atom:Storage:Provider '{options.Provider}' is not supported; use sqlite or postgres.");
        }
    }

    /// <summary>Opens a connection, configured for Atom (SQLite: WAL, busy timeout, foreign keys).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection; dispose it.</returns>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync($"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    /// <summary>Runs work in a transaction for one tenant; commits when it returns, rolls back when it throws.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="tenantId">The tenant the work is for.</param>
    /// <param name="work">The work.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What the work returned.</returns>
    public Task<T> InTenantAsync<T>(string tenantId, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return RunAsync(tenantId, platform: false, work, cancellationToken);
    }

    /// <summary>
    /// Runs platform-level work (across tenants: bootstrap, sign-in lookups, tenant administration) in a
    /// transaction. Only code that must see every tenant uses this.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The work.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What the work returned.</returns>
    public Task<T> AsPlatformAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunAsync(null, platform: true, work, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task<T> RunAsync<T>(string? tenantId, bool platform, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        if (Dialect.HasRowLevelSecurity)
        {
            // Transaction-local settings: they vanish at commit, so a pooled connection never carries a tenant over.
            await connection.ExecuteAsync(
                "SELECT set_config('atom.tenant_id', @tenant, true), set_config('atom.platform', @platform, true)",
                new { tenant = tenantId ?? string.Empty, platform = platform ? "on" : "off" },
                transaction);
        }

        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
