using Atom.Server.Hosting;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Hosting;

public sealed class StorageStartupTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_server_refuses_to_start_on_a_store_newer_than_itself(string provider)
    {
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        string[] args = ["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", .. StoreProvider.ServerArguments(options, dataDir)];
        await using (var first = AtomServer.Create(args))
        {
            await first.StartAsync();
            var database = first.Services.GetRequiredService<AtomDatabase>();
            await using var connection = await database.OpenAsync();
            await connection.ExecuteAsync("INSERT INTO atom_schema (version, name, checksum, applied_at) VALUES (999, 'newer', 'x', 0)");
            await first.StopAsync();
        }

        await using var second = AtomServer.Create(args);
        var error = await Assert.ThrowsAsync<StoreTooNewException>(() => second.StartAsync());
        Assert.Contains("newer than this server", error.Message, StringComparison.Ordinal);
    }
}
