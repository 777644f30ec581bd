using Atom.Server.Chat;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Tests.Identity.Api;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;
using Room = Atom.Server.Chat.Room;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>Sets up rooms and members for the message and streaming tests, through the server's own room store and event payloads.</summary>
internal static class ChatRooms
{
    public static async Task<Room> CreateAsync(IdentityApiServer server, string tenantId, string ownerId, string name, RoomVisibility visibility = RoomVisibility.Public, params string[] memberIds) =>
        await server.Test.Server.Services.GetRequiredService<RoomStore>().CreateAsync(tenantId, new NewRoom(name, name, string.Empty, visibility, ownerId, memberIds));

    public static async Task SetRoleAsync(IdentityApiServer server, string tenantId, string roomId, string userId, RoomRole role, string actorId)
    {
        var services = server.Test.Server.Services;
        var rooms = services.GetRequiredService<RoomStore>();
        var change = await rooms.GetMemberAsync(tenantId, roomId, userId) is null
            ? await rooms.AddMemberAsync(tenantId, roomId, userId, role, actorId, RoomEvents.MembershipChanged)
            : await rooms.SetMemberRoleAsync(tenantId, roomId, userId, role, actorId, RoomEvents.MembershipChanged);
        services.GetRequiredService<Atom.Server.Chat.Streaming.RoomFanout>().PublishStored(tenantId, change!.Event);
    }

    public static async Task RemoveAsync(IdentityApiServer server, string tenantId, string roomId, string userId, string actorId)
    {
        var services = server.Test.Server.Services;
        var change = await services.GetRequiredService<RoomStore>().RemoveMemberAsync(tenantId, roomId, userId, actorId, RoomEvents.MembershipChanged);
        services.GetRequiredService<Atom.Server.Chat.Streaming.RoomFanout>().PublishStored(tenantId, change!.Event);
    }

    public static Task<IReadOnlyList<StoredRoomEvent>> LogAsync(IdentityApiServer server, string tenantId, string roomId) =>
        server.Test.Server.Services.GetRequiredService<RoomEventLog>().ReadAsync(tenantId, roomId, 0, 1000);
}
