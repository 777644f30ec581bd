using Atom.Server.Chat.Stores;
using Atom.Server.Files;
using Atom.V1;

namespace Atom.Server.Hosting;

/// <summary>
/// Files' view of room roles, read from chat's rooms. It lives in the composition root so that neither capability
/// refers to the other: a room's readers see its files, members share into it, moderators delete in it.
/// </summary>
/// <param name="rooms">The rooms.</param>
internal sealed class ChatRoomAccess(RoomStore rooms) : IRoomAccess
{
    /// <inheritdoc />
    public async Task<RoomGrant?> FindAsync(string tenantId, string roomIdOrName, string userId, CancellationToken cancellationToken)
    {
        if (roomIdOrName.Length is 0 or > 64 || roomIdOrName.Any(char.IsControl))
        {
            return null;
        }

        var room = await rooms.GetAsync(tenantId, roomIdOrName, userId, cancellationToken)
            ?? await rooms.GetByNameAsync(tenantId, roomIdOrName, userId, cancellationToken);
        if (room is null || (room.Visibility != RoomVisibility.Public && room.ViewerRole == RoomRole.Unspecified))
        {
            return null;
        }

        return new RoomGrant(room.Id, room.ViewerRole >= RoomRole.Member && !room.IsArchived, room.ViewerRole >= RoomRole.Moderator);
    }
}
