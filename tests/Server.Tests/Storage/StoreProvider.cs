using Atom.Server.Storage;
using Atom.Server.Storage.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Storage;

/// <summary>Makes a fresh, empty store of either provider, so every store test runs against both.</summary>
public static class StoreProvider
{
    public static TheoryData<string> Both => new() { "sqlite", "postgres" };

    public static async Task<(StorageOptions Options, string DataDir)> CreateAsync(string provider)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "atom-store-" + Guid.NewGuid().ToString("N")[..12]);
        var options = provider == "postgres"
            ? new StorageOptions { Provider = "postgres", ConnectionString = await PostgresServer.CreateDatabaseAsync() }
            : new StorageOptions { Provider = "sqlite" };
        return (options, dataDir);
    }

    /// <summary>A fresh store of the provider with every migration applied.</summary>
    public static async Task<AtomDatabase> CreateMigratedAsync(string provider)
    {
        var (options, dataDir) = await CreateAsync(provider);
        var database = AtomDatabase.Create(options, dataDir);
        await new MigrationRunner(database, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>The --Atom:Storage arguments that point a whole server at the same store.</summary>
    public static string[] ServerArguments(StorageOptions options, string dataDir) => options.Provider == "postgres"
        ? [$"--Atom:Storage:Provider=postgres", $"--Atom:Storage:ConnectionString={options.ConnectionString}", $"--Atom:DataDir={dataDir}"]
        : [$"--Atom:DataDir={dataDir}"];
}
