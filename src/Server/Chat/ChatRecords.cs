using Atom.V1;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Chat;

/// <summary>A room of a tenant, as one reader sees it.</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Name">The unique short name in the tenant (case-insensitive); empty for direct rooms.</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Topic">What the room is about.</param>
/// <param name="Visibility">Who may see and join it.</param>
/// <param name="CreatorId">Who created it.</param>
/// <param name="LastSequence">The sequence of the room's latest event; 0 before the first.</param>
/// <param name="MemberCount">How many members it has.</param>
/// <param name="ViewerRole">The reader's role in it; unspecified when the reader is not a member or none was named.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its name, display name, topic, visibility or archived state last changed.</param>
/// <param name="ArchivedAt">When it was archived, or null.</param>
public sealed record Room(
    string Id,
    string TenantId,
    string Name,
    string DisplayName,
    string Topic,
    RoomVisibility Visibility,
    string CreatorId,
    long LastSequence,
    int MemberCount,
    RoomRole ViewerRole,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt)
{
    /// <summary>Gets a value indicating whether the room is archived: readable, and nothing new can be said in it.</summary>
    public bool IsArchived => ArchivedAt is not null;
}

/// <summary>What a new public or private room is made of (direct rooms are opened with <see cref="Stores.RoomStore.OpenDirectAsync"/>).</summary>
/// <param name="Name">The unique short name in the tenant (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Topic">What the room is about.</param>
/// <param name="Visibility">Public or private.</param>
/// <param name="CreatorId">Who creates it; they become its owner.</param>
/// <param name="MemberIds">Users who become members right away (with the member role).</param>
public sealed record NewRoom(string Name, string DisplayName, string Topic, RoomVisibility Visibility, string CreatorId, IReadOnlyList<string> MemberIds);

/// <summary>A change of a room's fields; a null field stays as it is.</summary>
/// <param name="Name">The new unique name, or null.</param>
/// <param name="DisplayName">The new display name, or null.</param>
/// <param name="Topic">The new topic, or null.</param>
/// <param name="Visibility">The new visibility (public or private), or null.</param>
public sealed record RoomUpdate(string? Name = null, string? DisplayName = null, string? Topic = null, RoomVisibility? Visibility = null);

/// <summary>Which rooms a reader lists, of those they can see (public rooms of the tenant and rooms they belong to).</summary>
/// <param name="JoinedOnly">Only rooms the reader is a member of.</param>
/// <param name="IncludeArchived">Archived rooms too.</param>
/// <param name="Visibility">Only rooms of this visibility; unspecified means any.</param>
/// <param name="Query">Only rooms whose name or display name contains this text (case-insensitive); null or empty means any.</param>
public sealed record RoomFilter(bool JoinedOnly = false, bool IncludeArchived = false, RoomVisibility Visibility = RoomVisibility.Unspecified, string? Query = null)
{
    /// <summary>Gets the filter that lists every room a reader can see, except archived ones.</summary>
    public static RoomFilter Default { get; } = new();
}

/// <summary>A member of a room.</summary>
/// <param name="RoomId">The room.</param>
/// <param name="UserId">The user (or service account).</param>
/// <param name="Role">Their role in the room.</param>
/// <param name="JoinedAt">When they joined.</param>
/// <param name="LastReadSequence">How far they have read; 0 before they read anything.</param>
/// <param name="ReadAt">When they last moved their read position, or null.</param>
public sealed record RoomMember(string RoomId, string UserId, RoomRole Role, DateTimeOffset JoinedAt, long LastReadSequence, DateTimeOffset? ReadAt);

/// <summary>A pending invitation to a room.</summary>
/// <param name="Id">The id.</param>
/// <param name="RoomId">The room.</param>
/// <param name="RoomDisplayName">The room's display name, so the invitee knows what it is without seeing the room.</param>
/// <param name="InviterId">Who invited.</param>
/// <param name="InviteeId">Who is invited.</param>
/// <param name="Role">The role they get on accepting.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it lapses.</param>
public sealed record Invitation(string Id, string RoomId, string RoomDisplayName, string InviterId, string InviteeId, RoomRole Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A file attached to a message.</summary>
/// <param name="FileId">The file id.</param>
/// <param name="Name">The file name shown.</param>
public sealed record Attachment(string FileId, string Name);

/// <summary>A voice message's recording and what was said in it.</summary>
/// <param name="FileId">The recording: an audio file shared in the message's room.</param>
/// <param name="Duration">How long it is, once known.</param>
/// <param name="State">Where the transcript stands.</param>
/// <param name="Transcript">What was said; empty until <see cref="VoiceTranscriptState.Ready"/>.</param>
public sealed record VoiceClip(string FileId, TimeSpan? Duration, VoiceTranscriptState State, string Transcript);

/// <summary>Where a voice message's transcript stands.</summary>
public enum VoiceTranscriptState
{
    /// <summary>The recording is being processed or transcribed.</summary>
    Pending,

    /// <summary>The transcript is attached (empty when no speech was heard).</summary>
    Ready,

    /// <summary>There is none and will be none.</summary>
    Unavailable,
}

/// <summary>One emoji on a message and who reacted with it.</summary>
/// <param name="Emoji">The emoji (or short code such as <c>:+1:</c>).</param>
/// <param name="UserIds">Who, in the order they reacted.</param>
public sealed record Reaction(string Emoji, IReadOnlyList<string> UserIds)
{
    /// <summary>Gets how many reacted with it.</summary>
    public int Count => UserIds.Count;
}

/// <summary>What a sender posts.</summary>
/// <param name="SenderId">Who posts it.</param>
/// <param name="Text">The text, Markdown.</param>
/// <param name="Attachments">Attached files.</param>
/// <param name="MentionIds">Users mentioned.</param>
/// <param name="ReplyToId">The thread's top message, or null for a top-level message.</param>
/// <param name="RequestId">The sender's idempotency key: a second post with the same one is stored once; empty for none.</param>
public sealed record NewMessage(string SenderId, string Text, IReadOnlyList<Attachment> Attachments, IReadOnlyList<string> MentionIds, string? ReplyToId = null, string RequestId = "")
{
    /// <summary>Gets the recording of a voice message, or null.</summary>
    public VoiceClip? Voice { get; init; }
}

/// <summary>A message of a room, with its reactions and reply count.</summary>
/// <param name="Id">The id.</param>
/// <param name="RoomId">The room.</param>
/// <param name="Sequence">The room sequence at which it was posted.</param>
/// <param name="SenderId">Who posted it.</param>
/// <param name="Text">The text; empty on a tombstone.</param>
/// <param name="Attachments">Attached files; none on a tombstone.</param>
/// <param name="MentionIds">Users mentioned; none on a tombstone.</param>
/// <param name="ReplyToId">The thread's top message, or null.</param>
/// <param name="RequestId">The sender's idempotency key, or empty.</param>
/// <param name="CreatedAt">When it was posted.</param>
/// <param name="EditedAt">When it was last edited, or null.</param>
/// <param name="DeletedAt">When it was deleted (a tombstone), or null.</param>
/// <param name="PinnedAt">When it was pinned, or null when it is not pinned.</param>
/// <param name="ReplyCount">How many replies it has that are not deleted.</param>
/// <param name="Reactions">Its reactions, in the order each emoji first appeared.</param>
public sealed record StoredMessage(
    string Id,
    string RoomId,
    long Sequence,
    string SenderId,
    string Text,
    IReadOnlyList<Attachment> Attachments,
    IReadOnlyList<string> MentionIds,
    string? ReplyToId,
    string RequestId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? PinnedAt,
    int ReplyCount,
    IReadOnlyList<Reaction> Reactions)
{
    /// <summary>Gets a value indicating whether the message is a tombstone.</summary>
    public bool IsDeleted => DeletedAt is not null;

    /// <summary>Gets a value indicating whether the message is pinned.</summary>
    public bool IsPinned => PinnedAt is not null;

    /// <summary>Gets the recording of a voice message, or null; none on a tombstone.</summary>
    public VoiceClip? Voice { get; init; }
}

/// <summary>A page of a room's history, newest first.</summary>
/// <param name="Messages">The messages, newest first.</param>
/// <param name="NextBeforeSequence">The sequence to list before for older messages; 0 when there are none.</param>
public sealed record MessagePage(IReadOnlyList<StoredMessage> Messages, long NextBeforeSequence);

/// <summary>An earlier version of an edited message.</summary>
/// <param name="Text">The text before the edit.</param>
/// <param name="EditedAt">When that text was replaced.</param>
/// <param name="EditorId">Who replaced it.</param>
public sealed record MessageEdit(string Text, DateTimeOffset EditedAt, string EditorId);

/// <summary>How far a member has read a room.</summary>
/// <param name="RoomId">The room.</param>
/// <param name="UserId">The member.</param>
/// <param name="Sequence">The last sequence read.</param>
/// <param name="ReadAt">When it was recorded; null while the member has read nothing.</param>
public sealed record ReadReceipt(string RoomId, string UserId, long Sequence, DateTimeOffset? ReadAt);

/// <summary>An event's place in its room's log, handed to a <see cref="RoomEventPayload{T}"/> to build the stored event from.</summary>
/// <param name="RoomId">The room.</param>
/// <param name="Sequence">The event's sequence: one more than the room's previous event.</param>
/// <param name="ActorId">Who caused it.</param>
/// <param name="Time">When it happened (the same instant the change itself records).</param>
public sealed record RoomEventStamp(string RoomId, long Sequence, string ActorId, DateTimeOffset Time);

/// <summary>
/// Builds the stored form of a room event (the serialized <c>atom.v1.RoomEvent</c> that subscribers receive) from the
/// state the change produced and the event's place in the log. It runs inside the change's transaction: what it
/// returns is stored with the change or not at all.
/// </summary>
/// <typeparam name="T">The changed state: a message, a member, a room.</typeparam>
/// <param name="state">The state after the change.</param>
/// <param name="stamp">The event's sequence, actor and time.</param>
/// <returns>The payload to store.</returns>
public delegate byte[] RoomEventPayload<in T>(T state, RoomEventStamp stamp);

/// <summary>An event of a room's log.</summary>
/// <param name="RoomId">The room.</param>
/// <param name="Sequence">Its place in the room's gap-free sequence.</param>
/// <param name="Kind">What happened (the <c>atom.v1.RoomEvent</c> kind its payload holds).</param>
/// <param name="ActorId">Who did it.</param>
/// <param name="MessageId">The message it is about, or null.</param>
/// <param name="Payload">The serialized <c>atom.v1.RoomEvent</c>, as the service built it.</param>
/// <param name="CreatedAt">When it happened.</param>
public sealed record StoredRoomEvent(string RoomId, long Sequence, RoomEventKind Kind, string ActorId, string? MessageId, byte[] Payload, DateTimeOffset CreatedAt);

/// <summary>The outcome of a change that may append an event to a room's log.</summary>
/// <typeparam name="T">The changed state.</typeparam>
/// <param name="Value">The state after the call.</param>
/// <param name="Event">The event the change appended, committed with it; null when nothing changed (a replayed post, a reaction already there, ...).</param>
public sealed record RoomChange<T>(T Value, StoredRoomEvent? Event)
{
    /// <summary>Gets a value indicating whether the call changed something and appended <see cref="Event"/>.</summary>
    public bool Appended => Event is not null;
}

/// <summary>A comment anchored to a message, or to a span of its text, with its thread.</summary>
/// <param name="Id">The id.</param>
/// <param name="RoomId">The room.</param>
/// <param name="MessageId">The message.</param>
/// <param name="AuthorId">Who wrote it.</param>
/// <param name="Start">The first character of the span, in Unicode code points.</param>
/// <param name="Length">The span's length in code points; 0 means the whole message.</param>
/// <param name="Text">The comment, Markdown.</param>
/// <param name="Comments">The thread, oldest first.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ResolvedAt">When it was resolved, or null while open.</param>
/// <param name="ResolvedBy">Who resolved it, or null while open.</param>
public sealed record Annotation(
    string Id,
    string RoomId,
    string MessageId,
    string AuthorId,
    int Start,
    int Length,
    string Text,
    IReadOnlyList<AnnotationComment> Comments,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy)
{
    /// <summary>Gets a value indicating whether the annotation is resolved.</summary>
    public bool IsResolved => ResolvedAt is not null;
}

/// <summary>A comment in an annotation's thread.</summary>
/// <param name="Id">The id.</param>
/// <param name="AuthorId">Who wrote it.</param>
/// <param name="Text">The text, Markdown.</param>
/// <param name="CreatedAt">When.</param>
public sealed record AnnotationComment(string Id, string AuthorId, string Text, DateTimeOffset CreatedAt);
