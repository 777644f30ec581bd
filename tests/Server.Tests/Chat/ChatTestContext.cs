using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat;
using Atom.Server.Chat.Stores;
using Atom.Server.Identity;
using Atom.Server.Identity.Stores;
using Atom.Server.Storage;
using Atom.Server.Tests.Identity;
using Atom.Server.Tests.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Tests.Chat;

/// <summary>A migrated store of either provider with the chat stores on a manual clock, and two tenants.</summary>
public sealed class ChatTestContext : IAsyncDisposable
{
    private ChatTestContext(AtomDatabase database)
    {
        Database = database;
        Tenants = new TenantStore(database, Clock, new AccessChanges());
        Rooms = new RoomStore(database, Clock);
        Messages = new MessageStore(database, Clock);
        Log = new RoomEventLog(database);
        Annotations = new AnnotationStore(database, Clock);
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public AtomDatabase Database { get; }

    public TenantStore Tenants { get; }

    public RoomStore Rooms { get; }

    public MessageStore Messages { get; }

    public RoomEventLog Log { get; }

    public AnnotationStore Annotations { get; }

    public Tenant A { get; private set; } = null!;

    public Tenant B { get; private set; } = null!;

    public static async Task<ChatTestContext> CreateAsync(string provider)
    {
        var context = new ChatTestContext(await StoreProvider.CreateMigratedAsync(provider));
        context.A = await context.Tenants.CreateAsync("alpha", "Alpha");
        context.B = await context.Tenants.CreateAsync("beta", "Beta");
        return context;
    }

    /// <summary>A public room of tenant A (or the tenant given) created by <paramref name="creatorId"/>.</summary>
    public Task<Room> CreateRoomAsync(string name, string creatorId = "alice", V1.RoomVisibility visibility = V1.RoomVisibility.Public, string? tenantId = null, params string[] members) =>
        Rooms.CreateAsync(tenantId ?? A.Id, new NewRoom(name, name.ToUpperInvariant(), "about " + name, visibility, creatorId, members));

    public async Task<StoredMessage> PostAsync(Room room, string senderId, string text, string requestId = "", string? replyToId = null) =>
        (await Messages.PostAsync(room.TenantId, room.Id, new NewMessage(senderId, text, [], [], replyToId, requestId), Events.Posted))!.Value;

    public async Task<IReadOnlyList<StoredRoomEvent>> EventsAsync(Room room, long after = 0) =>
        await Log.ReadAsync(room.TenantId, room.Id, after, RoomEventLog.MaxReadLimit);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>The service layer's own event payloads, under the short names the store tests use.</summary>
public static class Events
{
    public static readonly RoomEventPayload<StoredMessage> Posted = RoomEvents.MessagePosted;

    public static readonly RoomEventPayload<StoredMessage> Edited = RoomEvents.MessageEdited;

    public static readonly RoomEventPayload<StoredMessage> Deleted = RoomEvents.MessageDeleted;

    public static readonly RoomEventPayload<StoredMessage> Reactions = RoomEvents.ReactionsChanged;

    public static readonly RoomEventPayload<StoredMessage> Pin = RoomEvents.PinChanged;

    public static readonly RoomEventPayload<RoomMember> Membership = RoomEvents.MembershipChanged;

    public static readonly RoomEventPayload<Room> RoomUpdated = RoomEvents.RoomUpdated;

    public static V1.RoomEvent Parse(StoredRoomEvent stored) => RoomEvents.Parse(stored);
}
