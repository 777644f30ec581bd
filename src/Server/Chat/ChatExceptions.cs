using Atom.Server.Storage;

namespace Atom.Server.Chat;

/// <summary>
/// A change to the messages of an archived room: archived rooms stay readable and nothing new can be said in them.
/// The stores check this under the room's lock, so an archive that races with a post is never half-applied.
/// </summary>
public sealed class RoomArchivedException : PreconditionFailedException
{
    /// <summary>Initializes a new instance of the <see cref="RoomArchivedException"/> class.</summary>
    /// <param name="roomId">The archived room.</param>
    public RoomArchivedException(string roomId)
        : base($"Room '{roomId}' is archived: unarchive it before changing its messages.")
    {
        RoomId = roomId;
    }

    /// <summary>Initializes a new instance of the <see cref="RoomArchivedException"/> class.</summary>
    public RoomArchivedException()
        : this(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RoomArchivedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RoomArchivedException(string message, Exception innerException)
        : base(message, innerException)
    {
        RoomId = string.Empty;
    }

    /// <summary>Gets the archived room.</summary>
    public string RoomId { get; }
}

/// <summary>A change to a message that was deleted: a tombstone can be neither edited, reacted to, pinned nor annotated.</summary>
public sealed class MessageDeletedException : PreconditionFailedException
{
    /// <summary>Initializes a new instance of the <see cref="MessageDeletedException"/> class.</summary>
    /// <param name="messageId">The deleted message.</param>
    public MessageDeletedException(string messageId)
        : base($"Message '{messageId}' was deleted.")
    {
        MessageId = messageId;
    }

    /// <summary>Initializes a new instance of the <see cref="MessageDeletedException"/> class.</summary>
    public MessageDeletedException()
        : this(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MessageDeletedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MessageDeletedException(string message, Exception innerException)
        : base(message, innerException)
    {
        MessageId = string.Empty;
    }

    /// <summary>Gets the deleted message.</summary>
    public string MessageId { get; }
}

/// <summary>A membership change would leave a room with members but no owner.</summary>
public sealed class LastOwnerException : PreconditionFailedException
{
    /// <summary>Initializes a new instance of the <see cref="LastOwnerException"/> class.</summary>
    /// <param name="roomId">The room.</param>
    public LastOwnerException(string roomId)
        : base($"Room '{roomId}' would be left without an owner: make another member an owner first, or delete the room.")
    {
        RoomId = roomId;
    }

    /// <summary>Initializes a new instance of the <see cref="LastOwnerException"/> class.</summary>
    public LastOwnerException()
        : this(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LastOwnerException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LastOwnerException(string message, Exception innerException)
        : base(message, innerException)
    {
        RoomId = string.Empty;
    }

    /// <summary>Gets the room.</summary>
    public string RoomId { get; }
}
