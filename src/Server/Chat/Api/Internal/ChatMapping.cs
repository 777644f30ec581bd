using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>Turns chat records into their contract messages.</summary>
internal static class ChatMapping
{
    public static V1.Room ToProto(this Room room) => new()
    {
        Id = room.Id,
        Name = room.Name,
        DisplayName = room.DisplayName,
        Topic = room.Topic,
        Visibility = room.Visibility,
        Archived = room.IsArchived,
        CreatorId = room.CreatorId,
        LastSequence = room.LastSequence,
        MemberCount = room.MemberCount,
        CallerRole = room.ViewerRole,
        CreateTime = Timestamp.FromDateTimeOffset(room.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(room.UpdatedAt),
    };

    public static V1.RoomMember ToProto(this RoomMember member) => new()
    {
        UserId = member.UserId,
        Role = member.Role,
        JoinTime = Timestamp.FromDateTimeOffset(member.JoinedAt),
        LastReadSequence = member.LastReadSequence,
    };

    public static V1.Invitation ToProto(this Invitation invitation) => new()
    {
        Id = invitation.Id,
        RoomId = invitation.RoomId,
        RoomDisplayName = invitation.RoomDisplayName,
        InviterId = invitation.InviterId,
        InviteeId = invitation.InviteeId,
        Role = invitation.Role,
        CreateTime = Timestamp.FromDateTimeOffset(invitation.CreatedAt),
        ExpireTime = Timestamp.FromDateTimeOffset(invitation.ExpiresAt),
    };

    public static V1.Message ToProto(this StoredMessage message)
    {
        var proto = new V1.Message
        {
            Id = message.Id,
            RoomId = message.RoomId,
            Sequence = message.Sequence,
            SenderId = message.SenderId,
            Text = message.Text,
            ReplyToId = message.ReplyToId ?? string.Empty,
            ReplyCount = message.ReplyCount,
            Pinned = message.IsPinned,
            CreateTime = Timestamp.FromDateTimeOffset(message.CreatedAt),
            EditTime = message.EditedAt is { } edited ? Timestamp.FromDateTimeOffset(edited) : null,
            DeleteTime = message.DeletedAt is { } deleted ? Timestamp.FromDateTimeOffset(deleted) : null,
            RequestId = message.RequestId,
        };
        proto.Attachments.AddRange(message.Attachments.Select(a => new V1.Attachment { FileId = a.FileId, Name = a.Name }));
        proto.MentionIds.AddRange(message.MentionIds);
        proto.Reactions.AddRange(message.Reactions.Select(r => new V1.Reaction { Emoji = r.Emoji, Count = r.Count, UserIds = { r.UserIds } }));
        if (message.Voice is { } voice)
        {
            proto.Voice = new V1.VoiceClip
            {
                FileId = voice.FileId,
                Duration = voice.Duration is { } duration ? Duration.FromTimeSpan(duration) : null,
                Transcript = voice.Transcript,
                TranscriptState = voice.State switch
                {
                    VoiceTranscriptState.Ready => V1.TranscriptState.Ready,
                    VoiceTranscriptState.Unavailable => V1.TranscriptState.Unavailable,
                    _ => V1.TranscriptState.Pending,
                },
            };
        }

        return proto;
    }

    public static V1.MessageEdit ToProto(this MessageEdit edit) => new()
    {
        Text = edit.Text,
        EditTime = Timestamp.FromDateTimeOffset(edit.EditedAt),
        EditorId = edit.EditorId,
    };

    public static V1.ReadReceipt ToProto(this ReadReceipt receipt) => new()
    {
        RoomId = receipt.RoomId,
        UserId = receipt.UserId,
        Sequence = receipt.Sequence,
        ReadTime = receipt.ReadAt is { } read ? Timestamp.FromDateTimeOffset(read) : null,
    };

    public static V1.Annotation ToProto(this Annotation annotation)
    {
        var proto = new V1.Annotation
        {
            Id = annotation.Id,
            RoomId = annotation.RoomId,
            MessageId = annotation.MessageId,
            AuthorId = annotation.AuthorId,
            Start = annotation.Start,
            Length = annotation.Length,
            Text = annotation.Text,
            Resolved = annotation.IsResolved,
            CreateTime = Timestamp.FromDateTimeOffset(annotation.CreatedAt),
        };
        proto.Comments.AddRange(annotation.Comments.Select(c => new V1.AnnotationComment
        {
            Id = c.Id,
            AuthorId = c.AuthorId,
            Text = c.Text,
            CreateTime = Timestamp.FromDateTimeOffset(c.CreatedAt),
        }));
        return proto;
    }
}
