using System.Data.Common;
using Atom.Server.Chat.Internal;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Chat.Internal.ChatStoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Chat.Stores;

/// <summary>
/// Messages of rooms, with their edits, reactions, pins and read receipts. Every change appends its event to the
/// room's log (<see cref="RoomEventLog"/>) in the transaction of the change itself, under the room's next sequence;
/// a call that changes nothing (a replayed post, a reaction already there) appends nothing. Changes are refused in
/// archived rooms (<see cref="RoomArchivedException"/>) and, except deletion, on tombstones
/// (<see cref="MessageDeletedException"/>). Who may do what is the service's decision.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="observers">Told of each posted, edited or deleted message inside its transaction (search indexing).</param>
public sealed class MessageStore(AtomDatabase database, TimeProvider time, IEnumerable<IMessageChangeObserver>? observers = null)
{
    private readonly IMessageChangeObserver[] _observers = [.. observers ?? []];

    private const string Columns =
        "m.id AS Id, m.room_id AS RoomId, m.sequence AS Sequence, m.sender_id AS SenderId, m.text AS Text, m.attachments AS Attachments, " +
        "m.mention_ids AS MentionIds, m.reply_to_id AS ReplyToId, m.request_id AS RequestId, m.created_at AS CreatedAt, m.edited_at AS EditedAt, " +
        "m.deleted_at AS DeletedAt, m.pinned_at AS PinnedAt, m.voice_file_id AS VoiceFileId, m.voice_duration_ms AS VoiceDurationMs, " +
        "m.voice_state AS VoiceState, m.voice_transcript AS VoiceTranscript, " +
        "(SELECT count(*) FROM messages r WHERE r.tenant_id = m.tenant_id AND r.room_id = m.room_id AND r.reply_to_id = m.id AND r.deleted_at IS NULL) AS ReplyCount";

    /// <summary>
    /// Posts a message under the room's next sequence, with its <c>message_posted</c> event. A post whose request id the
    /// sender already used in the room is not stored again: the answer is the first post, and nothing is appended.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="message">The message.</param>
    /// <param name="payload">Builds the event from the stored message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with the event (none on a replay), or null when the tenant has no such room.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    public async Task<RoomChange<StoredMessage>?> PostAsync(string tenantId, string roomId, NewMessage message, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.SenderId);
        ArgumentNullException.ThrowIfNull(message.RequestId);
        try
        {
            return await database.InTenantAsync(tenantId, async (c, t) =>
            {
                var room = await RoomSequencer.LockAsync(c, t, tenantId, roomId);
                if (room is null)
                {
                    return null;
                }

                if (message.RequestId.Length > 0 && await FindByRequestAsync(c, t, tenantId, roomId, message.SenderId, message.RequestId) is { } earlier)
                {
                    return new RoomChange<StoredMessage>(earlier, null);
                }

                if (room.Archived)
                {
                    throw new RoomArchivedException(roomId);
                }

                var id = NewId();
                var now = Now();
                var replyToId = string.IsNullOrEmpty(message.ReplyToId) ? null : message.ReplyToId;
                return await RoomSequencer.AppendAsync(c, t, tenantId, roomId, RoomEventKind.MessagePosted, message.SenderId, now, async sequence =>
                {
                    await c.ExecuteAsync(
                        "INSERT INTO messages (tenant_id, id, room_id, sequence, sender_id, text, attachments, mention_ids, reply_to_id, request_id, created_at, " +
                        "voice_file_id, voice_duration_ms, voice_state, voice_transcript) " +
                        "VALUES (@tenantId, @id, @roomId, @sequence, @SenderId, @Text, @attachments, @mentions, @replyToId, @RequestId, @now, " +
                        "@voiceFileId, @voiceDurationMs, @voiceState, @voiceTranscript)",
                        new
                        {
                            tenantId, id, roomId, sequence, message.SenderId, message.Text, attachments = ToJson(message.Attachments),
                            mentions = ToJson(message.MentionIds), replyToId, message.RequestId, now = Ms(now),
                            voiceFileId = message.Voice?.FileId, voiceDurationMs = DurationMs(message.Voice?.Duration),
                            voiceState = message.Voice is { } voice ? VoiceStateName(voice.State) : null, voiceTranscript = message.Voice?.Transcript ?? string.Empty,
                        }, t);
                    await NotifyAsync(c, t, tenantId, roomId, id);
                    var stored = new StoredMessage(
                        id, roomId, sequence, message.SenderId, message.Text, [.. message.Attachments], [.. message.MentionIds], replyToId, message.RequestId,
                        now, null, null, null, 0, []) { Voice = message.Voice };
                    return (stored, (string?)id);
                }, payload);
            }, cancellationToken);
        }
        catch (DbException e) when (message.RequestId.Length > 0 && IsUniqueViolation(e))
        {
            // The room's lock serialises posts, so this takes a writer that bypassed it; the first post still wins.
            var earlier = await database.InTenantAsync(tenantId, (c, t) => FindByRequestAsync(c, t, tenantId, roomId, message.SenderId, message.RequestId), cancellationToken);
            if (earlier is null)
            {
                throw;
            }

            return new RoomChange<StoredMessage>(earlier, null);
        }
    }

    /// <summary>Replaces a message's text, keeping the old text in its edit history, with a <c>message_edited</c> event; the same text changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="editorId">Who edits it.</param>
    /// <param name="text">The new text.</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<RoomChange<StoredMessage>?> EditAsync(string tenantId, string roomId, string messageId, string editorId, string text, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ChangeAsync(tenantId, roomId, messageId, editorId, RoomEventKind.MessageEdited, payload, current => current.Text == text
            ? null
            : async (c, t, sequence, now) =>
            {
                await c.ExecuteAsync(
                    "INSERT INTO message_edits (tenant_id, message_id, sequence, text, editor_id, edited_at) VALUES (@tenantId, @messageId, @sequence, @old, @editorId, @now)",
                    new { tenantId, messageId, sequence, old = current.Text, editorId, now }, t);
                await c.ExecuteAsync("UPDATE messages SET text = @text, edited_at = @now WHERE tenant_id = @tenantId AND id = @messageId",
                    new { tenantId, messageId, text, now }, t);
                await NotifyAsync(c, t, tenantId, roomId, messageId);
            }, cancellationToken);
    }

    /// <summary>
    /// Deletes a message, leaving a tombstone (its id, sender, sequence and place in a thread), with a <c>message_deleted</c>
    /// event. Its text, attachments, mentions, edit history, reactions, pin and annotations go. Deleting a tombstone changes nothing.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="actorId">Who deletes it.</param>
    /// <param name="payload">Builds the event from the tombstone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tombstone with the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    public Task<RoomChange<StoredMessage>?> DeleteAsync(string tenantId, string roomId, string messageId, string actorId, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default) =>
        ChangeAsync(tenantId, roomId, messageId, actorId, RoomEventKind.MessageDeleted, payload, current => current.IsDeleted
            ? null
            : async (c, t, sequence, now) =>
            {
                var key = new { tenantId, messageId, now };
                await c.ExecuteAsync(
                    "UPDATE messages SET text = '', attachments = '[]', mention_ids = '[]', deleted_at = @now, pinned_at = NULL, pinned_sequence = NULL, " +
                    "voice_file_id = NULL, voice_duration_ms = NULL, voice_state = NULL, voice_transcript = '' " +
                    "WHERE tenant_id = @tenantId AND id = @messageId", key, t);
                await c.ExecuteAsync("DELETE FROM message_edits WHERE tenant_id = @tenantId AND message_id = @messageId", key, t);
                await c.ExecuteAsync("DELETE FROM message_reactions WHERE tenant_id = @tenantId AND message_id = @messageId", key, t);
                await c.ExecuteAsync("DELETE FROM annotations WHERE tenant_id = @tenantId AND message_id = @messageId", key, t);
                await NotifyAsync(c, t, tenantId, roomId, messageId);
            }, cancellationToken);

    /// <summary>Adds a user's reaction to a message, with a <c>reactions_changed</c> event; a reaction already there changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="userId">Who reacts.</param>
    /// <param name="emoji">The emoji.</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with its reactions and the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<RoomChange<StoredMessage>?> AddReactionAsync(string tenantId, string roomId, string messageId, string userId, string emoji, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        return ChangeAsync(tenantId, roomId, messageId, userId, RoomEventKind.ReactionsChanged, payload, current => HasReacted(current, userId, emoji)
            ? null
            : (c, t, sequence, now) => c.ExecuteAsync(
                "INSERT INTO message_reactions (tenant_id, message_id, user_id, emoji, sequence, created_at) VALUES (@tenantId, @messageId, @userId, @emoji, @sequence, @now)",
                new { tenantId, messageId, userId, emoji, sequence, now }, t), cancellationToken);
    }

    /// <summary>Removes a user's reaction from a message, with a <c>reactions_changed</c> event; a reaction not there changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="userId">Whose reaction.</param>
    /// <param name="emoji">The emoji.</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with its reactions and the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<RoomChange<StoredMessage>?> RemoveReactionAsync(string tenantId, string roomId, string messageId, string userId, string emoji, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default) =>
        ChangeAsync(tenantId, roomId, messageId, userId, RoomEventKind.ReactionsChanged, payload, current => !HasReacted(current, userId, emoji)
            ? null
            : (c, t, sequence, now) => c.ExecuteAsync(
                "DELETE FROM message_reactions WHERE tenant_id = @tenantId AND message_id = @messageId AND user_id = @userId AND emoji = @emoji",
                new { tenantId, messageId, userId, emoji }, t), cancellationToken);

    /// <summary>Pins a message to its room, with a <c>pin_changed</c> event; a pinned message changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="actorId">Who pins it.</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<RoomChange<StoredMessage>?> PinAsync(string tenantId, string roomId, string messageId, string actorId, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default) =>
        ChangeAsync(tenantId, roomId, messageId, actorId, RoomEventKind.PinChanged, payload, current => current.IsPinned
            ? null
            : (c, t, sequence, now) => c.ExecuteAsync(
                "UPDATE messages SET pinned_at = @now, pinned_sequence = @sequence WHERE tenant_id = @tenantId AND id = @messageId",
                new { tenantId, messageId, sequence, now }, t), cancellationToken);

    /// <summary>Unpins a message, with a <c>pin_changed</c> event; a message not pinned changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="actorId">Who unpins it.</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with the event, or null when the room has no such message.</returns>
    /// <exception cref="RoomArchivedException">The room is archived.</exception>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<RoomChange<StoredMessage>?> UnpinAsync(string tenantId, string roomId, string messageId, string actorId, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default) =>
        ChangeAsync(tenantId, roomId, messageId, actorId, RoomEventKind.PinChanged, payload, current => !current.IsPinned
            ? null
            : (c, t, sequence, now) => c.ExecuteAsync(
                "UPDATE messages SET pinned_at = NULL, pinned_sequence = NULL WHERE tenant_id = @tenantId AND id = @messageId",
                new { tenantId, messageId }, t), cancellationToken);

    /// <summary>Gets one message of a room.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message (a tombstone too), or null when the room has no such message.</returns>
    public Task<StoredMessage?> GetAsync(string tenantId, string roomId, string messageId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadOneAsync(c, t, tenantId, roomId, messageId), cancellationToken);

    /// <summary>Pages a room's history, newest first, optionally only one thread's replies.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="beforeSequence">Only messages posted before this sequence; 0 means from the newest.</param>
    /// <param name="pageSize">The most to return; 0 or less means <see cref="PageToken.DefaultPageSize"/>, larger than <see cref="PageToken.MaxPageSize"/> is capped.</param>
    /// <param name="threadId">Only replies to this message, or null for every message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, with where the next (older) one starts.</returns>
    public Task<MessagePage> ListAsync(string tenantId, string roomId, long beforeSequence, int pageSize, string? threadId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beforeSequence);
        var size = new PageRequest(pageSize).EffectiveSize;
        var where = "m.room_id = @roomId" + (beforeSequence > 0 ? " AND m.sequence < @beforeSequence" : string.Empty) +
            (string.IsNullOrEmpty(threadId) ? string.Empty : " AND m.reply_to_id = @threadId");
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var messages = await ReadAsync(c, t, tenantId, where + " ORDER BY m.sequence DESC LIMIT @limit", new { tenantId, roomId, beforeSequence, threadId, limit = size + 1 });
            return messages.Count > size
                ? new MessagePage(messages.Take(size).ToList(), messages[size - 1].Sequence)
                : new MessagePage(messages, 0);
        }, cancellationToken);
    }

    /// <summary>Lists the earlier versions of an edited message, oldest first (none once it is deleted).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The earlier versions; empty too when the room has no such message.</returns>
    public Task<IReadOnlyList<MessageEdit>> ListEditsAsync(string tenantId, string roomId, string messageId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<MessageEdit>>(tenantId, async (c, t) => (await c.QueryAsync<(string Text, long EditedAt, string EditorId)>(
                "SELECT e.text, e.edited_at, e.editor_id FROM message_edits e JOIN messages m ON m.tenant_id = e.tenant_id AND m.id = e.message_id " +
                "WHERE e.tenant_id = @tenantId AND e.message_id = @messageId AND m.room_id = @roomId ORDER BY e.sequence",
                new { tenantId, roomId, messageId }, t))
            .Select(e => new MessageEdit(e.Text, Time(e.EditedAt), e.EditorId)).ToList(), cancellationToken);

    /// <summary>Lists a room's pinned messages, most recently pinned first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pinned messages.</returns>
    public Task<IReadOnlyList<StoredMessage>> ListPinnedAsync(string tenantId, string roomId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<StoredMessage>>(tenantId, async (c, t) => await ReadAsync(c, t, tenantId,
            "m.room_id = @roomId AND m.pinned_sequence IS NOT NULL ORDER BY m.pinned_sequence DESC", new { tenantId, roomId }), cancellationToken);

    /// <summary>
    /// Records how far a member has read a room. The position never moves backwards, and never past the room's latest
    /// event; a receipt is not a room event (it is not sequenced).
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The member.</param>
    /// <param name="sequence">The last sequence read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt as it now is, or null when the user is not a member of such a room.</returns>
    public Task<ReadReceipt?> MarkReadAsync(string tenantId, string roomId, string userId, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var last = await c.QuerySingleOrDefaultAsync<long?>("SELECT last_sequence FROM rooms WHERE tenant_id = @tenantId AND id = @roomId", new { tenantId, roomId }, t);
            if (last is null)
            {
                return null;
            }

            await c.ExecuteAsync(
                "UPDATE room_members SET last_read_sequence = @read, read_at = @now " +
                "WHERE tenant_id = @tenantId AND room_id = @roomId AND user_id = @userId AND last_read_sequence < @read",
                new { tenantId, roomId, userId, read = Math.Min(sequence, last.Value), now = Ms(time.GetUtcNow()) }, t);
            return (await ReadReceiptsAsync(c, t, tenantId, roomId, userId)).SingleOrDefault();
        }, cancellationToken);
    }

    /// <summary>Lists how far each member who has read anything has read a room, by user id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipts.</returns>
    public Task<IReadOnlyList<ReadReceipt>> ListReceiptsAsync(string tenantId, string roomId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<ReadReceipt>>(tenantId, async (c, t) =>
            (await ReadReceiptsAsync(c, t, tenantId, roomId, null)).Where(r => r.Sequence > 0).ToList(), cancellationToken);

    private DateTimeOffset Now() => Time(Ms(time.GetUtcNow()));

    private async Task NotifyAsync(DbConnection connection, DbTransaction transaction, string tenantId, string roomId, string messageId)
    {
        foreach (var observer in _observers)
        {
            await observer.MessageChangedAsync(connection, transaction, tenantId, roomId, messageId);
        }
    }

    /// <summary>
    /// Attaches a voice message's transcript (or says there will be none), with a <c>transcript_attached</c> event, also in
    /// an archived room: the speech was posted before the room was archived. A message whose transcript is no longer
    /// pending (attached already, deleted) changes nothing.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="clip">The recording as it now is: its state, transcript and duration (its file id is kept).</param>
    /// <param name="payload">Builds the event from the message as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message with the event, or null when the room has no such message.</returns>
    public async Task<RoomChange<StoredMessage>?> AttachTranscriptAsync(string tenantId, string roomId, string messageId, VoiceClip clip, RoomEventPayload<StoredMessage> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var current = await GetAsync(tenantId, roomId, messageId, cancellationToken);
        if (current is null)
        {
            return null;
        }

        return await ChangeAsync(tenantId, roomId, messageId, current.SenderId, RoomEventKind.TranscriptAttached, payload, message => message.Voice is not { State: VoiceTranscriptState.Pending } || message.IsDeleted
            ? null
            : async (c, t, sequence, now) =>
            {
                await c.ExecuteAsync(
                    "UPDATE messages SET voice_state = @state, voice_transcript = @transcript, voice_duration_ms = COALESCE(@duration, voice_duration_ms) " +
                    "WHERE tenant_id = @tenantId AND id = @messageId",
                    new { tenantId, messageId, state = VoiceStateName(clip.State), transcript = clip.Transcript, duration = DurationMs(clip.Duration) }, t);
                await NotifyAsync(c, t, tenantId, roomId, messageId);
            }, cancellationToken, evenIfArchived: true);
    }

    /// <summary>Lists the messages waiting for a recording's transcript.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The recording.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each message's room and id.</returns>
    public Task<IReadOnlyList<(string RoomId, string MessageId)>> ListAwaitingTranscriptAsync(string tenantId, string fileId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<(string, string)>>(tenantId, async (c, t) =>
            [.. await c.QueryAsync<(string, string)>(
                "SELECT room_id, id FROM messages WHERE tenant_id = @tenantId AND voice_file_id = @fileId AND voice_state = 'pending'", new { tenantId, fileId }, t)],
            cancellationToken);

    /// <summary>The recording a message waits for the transcript of, inside a change's transaction; null when it waits for none.</summary>
    internal static Task<string?> AwaitedRecordingAsync(DbConnection connection, DbTransaction transaction, string tenantId, string messageId) =>
        connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT voice_file_id FROM messages WHERE tenant_id = @tenantId AND id = @messageId AND voice_state = 'pending'", new { tenantId, messageId }, transaction);

    /// <summary>Whether any message waits for a recording's transcript, inside a change's transaction.</summary>
    internal static async Task<bool> IsRecordingAwaitedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM messages WHERE tenant_id = @tenantId AND voice_file_id = @fileId AND voice_state = 'pending'", new { tenantId, fileId }, transaction) > 0;

    /// <summary>
    /// The shape of every change of an existing message: lock the room, read the message, and when <paramref name="plan"/>
    /// finds something to change, apply it (given the event's sequence and the time in unix ms) and append the event.
    /// </summary>
    private Task<RoomChange<StoredMessage>?> ChangeAsync(
        string tenantId,
        string roomId,
        string messageId,
        string actorId,
        RoomEventKind kind,
        RoomEventPayload<StoredMessage> payload,
        Func<StoredMessage, Func<DbConnection, DbTransaction, long, long, Task>?> plan,
        CancellationToken cancellationToken,
        bool evenIfArchived = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ArgumentNullException.ThrowIfNull(payload);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var room = await RoomSequencer.LockAsync(c, t, tenantId, roomId);
            if (room is null || await ReadOneAsync(c, t, tenantId, roomId, messageId) is not { } current)
            {
                return null;
            }

            if (room.Archived && !evenIfArchived)
            {
                throw new RoomArchivedException(roomId);
            }

            if (current.IsDeleted && kind != RoomEventKind.MessageDeleted)
            {
                throw new MessageDeletedException(messageId);
            }

            if (plan(current) is not { } apply)
            {
                return new RoomChange<StoredMessage>(current, null);
            }

            var now = Now();
            return await RoomSequencer.AppendAsync(c, t, tenantId, roomId, kind, actorId, now, async sequence =>
            {
                await apply(c, t, sequence, Ms(now));
                return ((await ReadOneAsync(c, t, tenantId, roomId, messageId))!, (string?)messageId);
            }, payload);
        }, cancellationToken);
    }

    private static bool HasReacted(StoredMessage message, string userId, string emoji) =>
        message.Reactions.Any(r => r.Emoji == emoji && r.UserIds.Contains(userId));

    private static async Task<StoredMessage?> ReadOneAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string messageId) =>
        (await ReadAsync(c, t, tenantId, "m.room_id = @roomId AND m.id = @messageId", new { tenantId, roomId, messageId })).SingleOrDefault();

    // The literal "request_id <> ''" lets SQLite's planner pick the partial index on request ids: with the id only a
    // bound parameter it cannot prove the index applies, and scans the room's whole history on every send.
    private static async Task<StoredMessage?> FindByRequestAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string senderId, string requestId) =>
        (await ReadAsync(c, t, tenantId, "m.room_id = @roomId AND m.sender_id = @senderId AND m.request_id <> '' AND m.request_id = @requestId", new { tenantId, roomId, senderId, requestId })).SingleOrDefault();

    /// <summary>Reads messages of the tenant matching <paramref name="where"/> (which may end in ORDER BY and LIMIT), with their reactions.</summary>
    private static async Task<List<StoredMessage>> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string where, object parameters)
    {
        var rows = (await c.QueryAsync<MessageRow>($"SELECT {Columns} FROM messages m WHERE m.tenant_id = @tenantId AND {where}", parameters, t)).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var reactions = (await c.QueryAsync<(string MessageId, string Emoji, string UserId)>(
                "SELECT message_id, emoji, user_id FROM message_reactions WHERE tenant_id = @tenantId AND " + InList(c, "message_id", "@ids") + " ORDER BY sequence",
                new { tenantId, ids = rows.Select(r => r.Id).ToArray() }, t))
            .ToLookup(r => r.MessageId);
        return rows.Select(r => new StoredMessage(
                r.Id, r.RoomId, r.Sequence, r.SenderId, r.Text, AttachmentsFromJson(r.Attachments), IdsFromJson(r.MentionIds), r.ReplyToId, r.RequestId,
                Time(r.CreatedAt), Time(r.EditedAt), Time(r.DeletedAt), Time(r.PinnedAt), (int)r.ReplyCount,
                reactions[r.Id].GroupBy(x => x.Emoji, StringComparer.Ordinal).Select(g => new Reaction(g.Key, g.Select(x => x.UserId).ToList())).ToList())
            {
                Voice = r.VoiceFileId is null || r.VoiceState is null ? null
                    : new VoiceClip(r.VoiceFileId, r.VoiceDurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, ParseVoiceState(r.VoiceState), r.VoiceTranscript),
            })
            .ToList();
    }

    private static long? DurationMs(TimeSpan? duration) => duration is { } d ? (long)d.TotalMilliseconds : null;

    private static string VoiceStateName(VoiceTranscriptState state) => state switch
    {
        VoiceTranscriptState.Ready => "ready",
        VoiceTranscriptState.Unavailable => "unavailable",
        _ => "pending",
    };

    private static VoiceTranscriptState ParseVoiceState(string name) => name switch
    {
        "ready" => VoiceTranscriptState.Ready,
        "unavailable" => VoiceTranscriptState.Unavailable,
        _ => VoiceTranscriptState.Pending,
    };

    private static async Task<List<ReadReceipt>> ReadReceiptsAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string? userId) =>
        (await c.QueryAsync<(string UserId, long Sequence, long? ReadAt)>(
            "SELECT user_id, last_read_sequence, read_at FROM room_members WHERE tenant_id = @tenantId AND room_id = @roomId " +
            (userId is null ? string.Empty : "AND user_id = @userId ") + "ORDER BY user_id",
            new { tenantId, roomId, userId }, t))
        .Select(r => new ReadReceipt(roomId, r.UserId, r.Sequence, Time(r.ReadAt)))
        .ToList();

    private sealed class MessageRow
    {
        public string Id { get; set; } = string.Empty;

        public string RoomId { get; set; } = string.Empty;

        public long Sequence { get; set; }

        public string SenderId { get; set; } = string.Empty;

        public string Text { get; set; } = string.Empty;

        public string Attachments { get; set; } = "[]";

        public string MentionIds { get; set; } = "[]";

        public string? ReplyToId { get; set; }

        public string RequestId { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? EditedAt { get; set; }

        public long? DeletedAt { get; set; }

        public long? PinnedAt { get; set; }

        public long ReplyCount { get; set; }

        public string? VoiceFileId { get; set; }

        public long? VoiceDurationMs { get; set; }

        public string? VoiceState { get; set; }

        public string VoiceTranscript { get; set; } = string.Empty;
    }
}
