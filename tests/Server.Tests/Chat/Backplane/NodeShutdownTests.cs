using System.Diagnostics;
using Atom.Server.Chat.Backplane;
using Atom.Server.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Chat.Backplane;

/// <summary>
/// A node on the postgres backplane stops cleanly: SIGTERM ends its LISTEN loop and its process with exit code 0,
/// also when an open stream used up the shutdown timeout before the backplane's turn came.
/// </summary>
public sealed class NodeShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_stops_a_listening_node_cleanly_with_a_subscriber_connected()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var node = await ServerProcess.StartAsync(
            [.. ProcessChat.Arguments, "--Atom:Storage:Provider=postgres", $"--Atom:Storage:ConnectionString={connectionString}", "--Atom:Backplane=postgres",
             "--Atom:ShutdownTimeout=00:00:02", $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-node-" + Guid.NewGuid().ToString("N")[..8])}", "--Logging:LogLevel:Atom.Server.Chat.Backplane=Information"]);
        var (_, token) = await ProcessChat.SignedInUserAsync(node, "ann@example.com");
        var roomId = await ProcessChat.CreateRoomAsync(node, token, "bye");
        await using var watcher = await RoomWatcher.StartAsync(node.Channel(token), roomId);
        Assert.Equal(1, await ListenersAsync(connectionString));

        var stopping = Stopwatch.StartNew();
        var exitCode = await node.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{node.Output}");
        Assert.Contains("Listening on PostgreSQL channel atom_chat", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
        Assert.Equal(0, await ListenersAsync(connectionString));
        output.WriteLine($"stopped in {stopping.ElapsedMilliseconds} ms");
    }

    private static async Task<long> ListenersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", connection);
        command.Parameters.AddWithValue("name", PostgresRoomListener.ApplicationName);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
