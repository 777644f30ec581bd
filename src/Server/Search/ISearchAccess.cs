namespace Atom.Server.Search;

/// <summary>
/// Who may read what, as search needs it. Search does not read chat's or identity's tables: the composition root
/// supplies this, so room roles stay decided in one place.
/// </summary>
public interface ISearchAccess
{
    /// <summary>Gets the rooms a user is a member of (archived ones too: their history stays readable).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rooms.</returns>
    Task<IReadOnlyList<SearchRoom>> RoomsOfAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>Finds a room the user may read (a member's room, or a public one), by id or unique name.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomIdOrName">The room's id or name.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room, or null when there is no such room the user may read.</returns>
    Task<SearchRoom?> FindRoomAsync(string tenantId, string roomIdOrName, string userId, CancellationToken cancellationToken);

    /// <summary>Finds rooms the user may read whose name or display name contains some text.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="text">The text.</param>
    /// <param name="userId">The user.</param>
    /// <param name="limit">The most rooms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rooms.</returns>
    Task<IReadOnlyList<SearchRoom>> FindRoomsAsync(string tenantId, string text, string userId, int limit, CancellationToken cancellationToken);

    /// <summary>Finds active people of the tenant whose name or email starts with some text.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="prefix">The text.</param>
    /// <param name="limit">The most people.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The people.</returns>
    Task<IReadOnlyList<SearchPerson>> FindPeopleAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken);
}

/// <summary>A room, as search shows it.</summary>
/// <param name="Id">The room's id.</param>
/// <param name="Name">What people call it: its display name, or its name.</param>
public sealed record SearchRoom(string Id, string Name);

/// <summary>A person, as search suggests them.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Name">Their display name, or their email when they have none.</param>
public sealed record SearchPerson(string Id, string Name);
