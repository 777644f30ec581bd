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

/// <summary>
/// The test side of what the service layer will do: build each stored event as a real <c>atom.v1.RoomEvent</c>, so
/// the tests can read back what a subscriber would receive.
/// </summary>
public static class Events
{
    public static readonly RoomEventPayload<StoredMessage> Posted = (m, s) => Build(s, e => e.MessagePosted = ToProto(m));

    public static readonly RoomEventPayload<StoredMessage> Edited = (m, s) => Build(s, e => e.MessageEdited = ToProto(m));

    public static readonly RoomEventPayload<StoredMessage> Deleted = (m, s) => Build(s, e => e.MessageDeleted = ToProto(m));

    public static readonly RoomEventPayload<StoredMessage> Reactions = (m, s) => Build(s, e => e.ReactionsChanged = ToProto(m));

    public static readonly RoomEventPayload<StoredMessage> Pin = (m, s) => Build(s, e => e.PinChanged = ToProto(m));

    public static readonly RoomEventPayload<RoomMember> Membership = (m, s) => Build(s, e => e.MembershipChanged = new V1.MembershipChange { UserId = m.UserId, Role = m.Role });

    public static readonly RoomEventPayload<Room> RoomUpdated = (r, s) => Build(s, e => e.RoomUpdated = new V1.Room
    {
        Id = r.Id,
        Name = r.Name,
        DisplayName = r.DisplayName,
        Topic = r.Topic,
        Visibility = r.Visibility,
        Archived = r.IsArchived,
        LastSequence = r.LastSequence,
        CallerRole = r.ViewerRole,
    });

    public static V1.RoomEvent Parse(StoredRoomEvent stored) => V1.RoomEvent.Parser.ParseFrom(stored.Payload);

    private static V1.Message ToProto(StoredMessage m)
    {
        var message = new V1.Message
        {
            Id = m.Id,
            RoomId = m.RoomId,
            Sequence = m.Sequence,
            SenderId = m.SenderId,
            Text = m.Text,
            ReplyToId = m.ReplyToId ?? string.Empty,
            ReplyCount = m.ReplyCount,
            Pinned = m.IsPinned,
            RequestId = m.RequestId,
            CreateTime = Timestamp.FromDateTimeOffset(m.CreatedAt),
        };
        message.MentionIds.AddRange(m.MentionIds);
        message.Attachments.AddRange(m.Attachments.Select(a => new V1.Attachment { FileId = a.FileId, Name = a.Name }));
        message.Reactions.AddRange(m.Reactions.Select(r => new V1.Reaction { Emoji = r.Emoji, Count = r.Count, UserIds = { r.UserIds } }));
        return message;
    }

    private static byte[] Build(RoomEventStamp stamp, Action<V1.RoomEvent> kind)
    {
        var e = new V1.RoomEvent { RoomId = stamp.RoomId, Sequence = stamp.Sequence, ActorId = stamp.ActorId, EventTime = Timestamp.FromDateTimeOffset(stamp.Time) };
        kind(e);
        return e.ToByteArray();
    }
}
