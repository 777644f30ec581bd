using System.Text.Json;
using System.Text.Json.Serialization;
using Atom.V1;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Chat.Internal;

/// <summary>
/// How chat values are written in the store: roles, visibilities and event kinds as lower-case words (readable in
/// SQL, stable when the contract's enum numbers are not), lists as JSON text. Everything else
/// (ids, times, constraint errors) comes from <see cref="Storage.Internal.StoreConventions"/>.
/// </summary>
internal static class ChatStoreSupport
{
    public static string RoomRoleName(RoomRole role) => role switch
    {
        RoomRole.Viewer => "viewer",
        RoomRole.Member => "member",
        RoomRole.Moderator => "moderator",
        RoomRole.Owner => "owner",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "A room role must be VIEWER, MEMBER, MODERATOR or OWNER."),
    };

    public static RoomRole ParseRoomRole(string? name) => name switch
    {
        "viewer" => RoomRole.Viewer,
        "member" => RoomRole.Member,
        "moderator" => RoomRole.Moderator,
        "owner" => RoomRole.Owner,
        _ => RoomRole.Unspecified,
    };

    public static string VisibilityName(RoomVisibility visibility) => visibility switch
    {
        RoomVisibility.Public => "public",
        RoomVisibility.Private => "private",
        RoomVisibility.Direct => "direct",
        _ => throw new ArgumentOutOfRangeException(nameof(visibility), visibility, "A room visibility must be PUBLIC, PRIVATE or DIRECT."),
    };

    public static RoomVisibility ParseVisibility(string name) => name switch
    {
        "public" => RoomVisibility.Public,
        "private" => RoomVisibility.Private,
        "direct" => RoomVisibility.Direct,
        _ => RoomVisibility.Unspecified,
    };

    /// <summary>The kind's name as the contract spells its oneof field (<c>message_posted</c>, ...).</summary>
    public static string EventKindName(RoomEventKind kind) => kind switch
    {
        RoomEventKind.MessagePosted => "message_posted",
        RoomEventKind.MessageEdited => "message_edited",
        RoomEventKind.MessageDeleted => "message_deleted",
        RoomEventKind.ReactionsChanged => "reactions_changed",
        RoomEventKind.PinChanged => "pin_changed",
        RoomEventKind.MembershipChanged => "membership_changed",
        RoomEventKind.RoomUpdated => "room_updated",
        RoomEventKind.TranscriptAttached => "transcript_attached",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A stored room event must have a kind."),
    };

    public static RoomEventKind ParseEventKind(string name) => name switch
    {
        "message_posted" => RoomEventKind.MessagePosted,
        "message_edited" => RoomEventKind.MessageEdited,
        "message_deleted" => RoomEventKind.MessageDeleted,
        "reactions_changed" => RoomEventKind.ReactionsChanged,
        "pin_changed" => RoomEventKind.PinChanged,
        "membership_changed" => RoomEventKind.MembershipChanged,
        "room_updated" => RoomEventKind.RoomUpdated,
        "transcript_attached" => RoomEventKind.TranscriptAttached,
        _ => RoomEventKind.None,
    };

    public static string ToJson(IReadOnlyList<Attachment> attachments) =>
        JsonSerializer.Serialize(attachments.ToArray(), ChatJson.Default.AttachmentArray);

    public static string ToJson(IReadOnlyList<string> ids) =>
        JsonSerializer.Serialize(ids.ToArray(), ChatJson.Default.StringArray);

    public static Attachment[] AttachmentsFromJson(string json) =>
        JsonSerializer.Deserialize(json, ChatJson.Default.AttachmentArray) ?? [];

    public static string[] IdsFromJson(string json) =>
        JsonSerializer.Deserialize(json, ChatJson.Default.StringArray) ?? [];
}

/// <summary>The JSON of stored lists; source-generated, so reading a message reflects over nothing.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Attachment[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ChatJson : JsonSerializerContext;
