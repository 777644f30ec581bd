using Atom.Server.Chat;
using Atom.Server.Chat.Stores;
using Atom.Server.Identity.Stores;
using Atom.Server.Search;
using Atom.Server.Storage;
using Atom.V1;

namespace Atom.Server.Hosting;

/// <summary>
/// Search's view of who reads what, from chat's rooms and identity's users. It lives in the composition root so that
/// no capability refers to another: a user searches the rooms they are a member of, and may name a public room to
/// search it too.
/// </summary>
/// <param name="rooms">The rooms.</param>
/// <param name="users">The users.</param>
internal sealed class ChatSearchAccess(RoomStore rooms, UserStore users) : ISearchAccess
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchRoom>> RoomsOfAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var found = new List<SearchRoom>();
        var page = new PageRequest(PageToken.MaxPageSize);
        while (true)
        {
            var batch = await rooms.ListAsync(tenantId, userId, new RoomFilter(JoinedOnly: true, IncludeArchived: true), page, cancellationToken);
            found.AddRange(batch.Items.Select(ToSearch));
            if (batch.NextPageToken.Length == 0)
            {
                return found;
            }

            page = page with { PageToken = batch.NextPageToken };
        }
    }

    /// <inheritdoc />
    public async Task<SearchRoom?> FindRoomAsync(string tenantId, string roomIdOrName, string userId, CancellationToken cancellationToken)
    {
        if (roomIdOrName.Length is 0 or > 64 || roomIdOrName.Any(char.IsControl))
        {
            return null;
        }

        var room = await rooms.GetAsync(tenantId, roomIdOrName, userId, cancellationToken)
            ?? await rooms.GetByNameAsync(tenantId, roomIdOrName, userId, cancellationToken);
        return room is null || (room.Visibility != RoomVisibility.Public && room.ViewerRole == RoomRole.Unspecified) ? null : ToSearch(room);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchRoom>> FindRoomsAsync(string tenantId, string text, string userId, int limit, CancellationToken cancellationToken) =>
        [.. (await rooms.ListAsync(tenantId, userId, new RoomFilter(Query: text), new PageRequest(limit), cancellationToken)).Items.Select(ToSearch)];

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchPerson>> FindPeopleAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken) =>
        [.. (await users.FindByPrefixAsync(tenantId, prefix, limit, cancellationToken)).Select(u => new SearchPerson(u.Id, u.DisplayName.Length > 0 ? u.DisplayName : u.Email))];

    private static SearchRoom ToSearch(Chat.Room room) => new(room.Id, room.DisplayName.Length > 0 ? room.DisplayName : room.Name);
}
