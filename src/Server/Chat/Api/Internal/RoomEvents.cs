using Atom.Server.Chat.Streaming;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>
/// The stored form of each room event (the serialized <see cref="V1.RoomEvent"/>, built inside the change's
/// transaction from the state it produced), and reading it back for delivery.
/// </summary>
internal static class RoomEvents
{
    public static readonly RoomEventPayload<StoredMessage> MessagePosted = (m, stamp) => Build(stamp, e => e.MessagePosted = WithSequence(m, stamp));

    public static readonly RoomEventPayload<StoredMessage> MessageEdited = (m, stamp) => Build(stamp, e => e.MessageEdited = m.ToProto());

    public static readonly RoomEventPayload<StoredMessage> MessageDeleted = (m, stamp) => Build(stamp, e => e.MessageDeleted = m.ToProto());

    public static readonly RoomEventPayload<StoredMessage> ReactionsChanged = (m, stamp) => Build(stamp, e => e.ReactionsChanged = m.ToProto());

    public static readonly RoomEventPayload<StoredMessage> PinChanged = (m, stamp) => Build(stamp, e => e.PinChanged = m.ToProto());

    public static readonly RoomEventPayload<StoredMessage> TranscriptAttached = (m, stamp) => Build(stamp, e => e.TranscriptAttached = m.ToProto());

    public static readonly RoomEventPayload<RoomMember> MembershipChanged = (member, stamp) =>
        Build(stamp, e => e.MembershipChanged = new V1.MembershipChange { UserId = member.UserId, Role = member.Role });

    // The caller's role is per viewer: an event goes to everyone, so it carries none.
    public static readonly RoomEventPayload<Room> RoomUpdated = (room, stamp) => Build(stamp, e =>
    {
        e.RoomUpdated = room.ToProto();
        e.RoomUpdated.CallerRole = V1.RoomRole.Unspecified;
    });

    public static V1.RoomEvent Parse(StoredRoomEvent stored) => V1.RoomEvent.Parser.ParseFrom(stored.Payload);

    /// <summary>Delivers a committed change's event live, if the change appended one.</summary>
    public static void PublishStored(this RoomFanout fanout, string tenantId, StoredRoomEvent? stored)
    {
        if (stored is not null)
        {
            fanout.Publish(tenantId, Parse(stored));
        }
    }

    private static V1.Message WithSequence(StoredMessage message, RoomEventStamp stamp)
    {
        var proto = message.ToProto();
        proto.Sequence = stamp.Sequence;
        return proto;
    }

    private static byte[] Build(RoomEventStamp stamp, Action<V1.RoomEvent> kind)
    {
        var roomEvent = new V1.RoomEvent
        {
            RoomId = stamp.RoomId,
            Sequence = stamp.Sequence,
            EventTime = Timestamp.FromDateTimeOffset(stamp.Time),
            ActorId = stamp.ActorId,
        };
        kind(roomEvent);
        return roomEvent.ToByteArray();
    }
}
