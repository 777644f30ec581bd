using Atom.Sdk;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.Server.Chat.Stores;
using Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>
/// The one place room roles are enforced. A private room is invisible to non-members (NOT_FOUND, as for a room that
/// does not exist); a public room is readable by everyone in the tenant; anything more needs a room role.
/// </summary>
/// <param name="rooms">The rooms.</param>
internal sealed class RoomGate(RoomStore rooms)
{
    /// <summary>A room the caller may read, by id or unique name.</summary>
    public async Task<Room> ReadableAsync(Caller caller, string roomIdOrName, CancellationToken cancellationToken)
    {
        var key = RoomId(roomIdOrName);
        var room = await rooms.GetAsync(caller.TenantId, key, caller.PrincipalId, cancellationToken)
            ?? await rooms.GetByNameAsync(caller.TenantId, key, caller.PrincipalId, cancellationToken);
        return room is not null && (room.Visibility == RoomVisibility.Public || room.ViewerRole != RoomRole.Unspecified)
            ? room
            : throw RpcErrors.NotFound("room", key);
    }

    /// <summary>A room in which the caller holds at least <paramref name="role"/>.</summary>
    public async Task<Room> WithRoleAsync(Caller caller, string roomIdOrName, RoomRole role, string action, CancellationToken cancellationToken)
    {
        var room = await ReadableAsync(caller, roomIdOrName, cancellationToken);
        EnsureRole(room, role, action);
        return room;
    }

    /// <summary>Refuses when the caller's role in the room is below <paramref name="role"/>.</summary>
    public static void EnsureRole(Room room, RoomRole role, string action)
    {
        if (room.ViewerRole < role)
        {
            throw new RpcException(StatusCode.PermissionDenied,
                $"{action} needs the {RoleName(role)} room role; yours is {(room.ViewerRole == RoomRole.Unspecified ? "none (not a member)" : RoleName(room.ViewerRole))}.",
                AtomErrors.Info(ErrorReason.PermissionDenied, ("room_role", RoleName(role))));
        }
    }

    /// <summary>Refuses changes to an archived room's content.</summary>
    public static void EnsureNotArchived(Room room)
    {
        if (room.IsArchived)
        {
            throw new RoomArchivedException(room.Id);
        }
    }

    /// <summary>A room id or name: required, bounded.</summary>
    public static string RoomId(string value, string field = "room_id") =>
        value.Length == 0 ? throw AtomErrors.InvalidField(field, "is required.")
        : value.Length > 64 || value.Any(char.IsControl) ? throw AtomErrors.InvalidField(field, "is not a room id or name.")
        : value;

    public static string RoleName(RoomRole role) => role.ToString().ToLowerInvariant();
}
