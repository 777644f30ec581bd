using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Storage;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Storage;

/// <summary>A store too busy to answer in time is UNAVAILABLE with a delay to retry after, not an internal error, and changes nothing.</summary>
public sealed class StoreBusyTests
{
    [Fact]
    public async Task A_write_that_waits_out_the_busy_timeout_is_unavailable_with_retry_info_and_succeeds_when_retried()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite", "--Atom:Storage:BusyTimeout=00:00:00.300");
        var team = await Team.CreateAsync(server, "busy", "ann");
        var rooms = team["ann"].Rooms;
        var location = server.Test.Server.Services.GetRequiredService<AtomDatabase>().Location;

        // Another writer holds SQLite's write lock for longer than the server waits for it.
        await using (var other = new SqliteConnection($"Data Source={location}"))
        {
            await other.OpenAsync();
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE";
            await hold.ExecuteNonQueryAsync();

            var busy = await Assert.ThrowsAsync<RpcException>(() => rooms.CreateRoomAsync(new CreateRoomRequest { Name = "lockstep" }, new CallOptions { AllowRetries = false }).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, busy.StatusCode);
            Assert.Equal("STORE_BUSY", busy.GetDetail<ErrorInfo>()!.Reason);
            Assert.True(busy.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);

            hold.CommandText = "ROLLBACK";
            await hold.ExecuteNonQueryAsync();
        }

        var room = (await rooms.CreateRoomAsync(new CreateRoomRequest { Name = "lockstep" })).Room;
        Assert.Equal("lockstep", room.Name);
    }
}
