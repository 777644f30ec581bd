using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Calls;

/// <summary>
/// A room as typed: its id or its unique name. GetRoom takes either, so one call resolves it; every later call
/// uses the id, which stays right even if the room is renamed while a stream runs.
/// </summary>
internal static class RoomLookup
{
    /// <summary>Gets a room the caller can see, by id or name.</summary>
    /// <param name="context">The call options.</param>
    /// <param name="invoker">The connection.</param>
    /// <param name="room">The room's id or unique name.</param>
    /// <returns>The room.</returns>
    /// <exception cref="RpcException">NOT_FOUND when there is no such room or the caller may not see it.</exception>
    public static async Task<Room> GetAsync(CliContext context, CallInvoker invoker, string room)
    {
        var key = room.Trim();
        if (key.Length == 0)
        {
            throw new UsageException("ROOM is empty: give a room's id or name (see atom rooms list).");
        }

        var response = await new RoomServiceClient(invoker).GetRoomAsync(new GetRoomRequest { RoomId = key }, context.CallOptions()).ConfigureAwait(false);
        return response.Room ?? throw new RpcException(new Status(StatusCode.Internal, $"GetRoom answered for '{key}' without a room."));
    }

    /// <summary>Gets the name people know a room by: its display name, else its name, else its id.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The label.</returns>
    public static string Label(Room room) =>
        room.DisplayName.Length > 0 ? room.DisplayName : room.Name.Length > 0 ? room.Name : room.Id;
}
