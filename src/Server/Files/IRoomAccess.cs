namespace Atom.Server.Files;

/// <summary>
/// What a user may do with the files of a room. Files does not read chat's tables: the composition root supplies
/// this from the rooms, so room roles stay decided in one place.
/// </summary>
public interface IRoomAccess
{
    /// <summary>Finds a room the user can see, by id or unique name.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomIdOrName">The room's id or name.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the user may do there, or null when there is no such room they can see.</returns>
    Task<RoomGrant?> FindAsync(string tenantId, string roomIdOrName, string userId, CancellationToken cancellationToken);
}

/// <summary>What a user may do with a room's files.</summary>
/// <param name="RoomId">The room's id.</param>
/// <param name="CanShare">Whether they may share files there (member or above, room not archived).</param>
/// <param name="CanModerate">Whether they may delete others' files there (moderator or above).</param>
public sealed record RoomGrant(string RoomId, bool CanShare, bool CanModerate);
