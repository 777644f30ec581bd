using System.Data.Common;
using Atom.Server.Chat.Internal;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Chat.Stores;

/// <summary>
/// Annotations: comments anchored to a message or a span of its text, each with a thread of comments. They are
/// working notes beside the conversation, not room events (nothing here is sequenced). Deleting the message
/// (<see cref="MessageStore.DeleteAsync"/>) or its room deletes them. Whether a span fits the message's text is
/// the service's check.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class AnnotationStore(AtomDatabase database, TimeProvider time)
{
    private const string Columns =
        "a.id AS Id, a.room_id AS RoomId, a.message_id AS MessageId, a.author_id AS AuthorId, a.span_start AS Start, a.span_length AS Length, " +
        "a.text AS Text, a.created_at AS CreatedAt, a.resolved_at AS ResolvedAt, a.resolved_by AS ResolvedBy";

    /// <summary>Anchors a comment to a message of a room.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="authorId">Who writes it.</param>
    /// <param name="start">The first character of the span, in code points.</param>
    /// <param name="length">The span's length in code points; 0 for the whole message.</param>
    /// <param name="text">The comment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The annotation, or null when the room has no such message.</returns>
    /// <exception cref="MessageDeletedException">The message is a tombstone.</exception>
    public Task<Annotation?> CreateAsync(string tenantId, string roomId, string messageId, string authorId, int start, int length, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorId);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentNullException.ThrowIfNull(text);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            // Under the room's lock, so a delete of the message either comes first (and is seen) or waits for this.
            if (await RoomSequencer.LockAsync(c, t, tenantId, roomId) is null)
            {
                return null;
            }

            var message = await c.QuerySingleOrDefaultAsync<MessageState>(
                "SELECT deleted_at AS DeletedAt FROM messages WHERE tenant_id = @tenantId AND room_id = @roomId AND id = @messageId", new { tenantId, roomId, messageId }, t);
            if (message is null)
            {
                return null;
            }

            if (message.DeletedAt is not null)
            {
                throw new MessageDeletedException(messageId);
            }

            var annotation = new Annotation(NewId(), roomId, messageId, authorId, start, length, text, [], Now(), null, null);
            await c.ExecuteAsync(
                "INSERT INTO annotations (tenant_id, id, room_id, message_id, author_id, span_start, span_length, text, created_at) " +
                "VALUES (@tenantId, @Id, @RoomId, @MessageId, @AuthorId, @Start, @Length, @Text, @createdAt)",
                new { tenantId, annotation.Id, annotation.RoomId, annotation.MessageId, annotation.AuthorId, annotation.Start, annotation.Length, annotation.Text, createdAt = Ms(annotation.CreatedAt) }, t);
            return annotation;
        }, cancellationToken);
    }

    /// <summary>Gets one annotation of a room with its thread.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="annotationId">The annotation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The annotation, or null when the room has no such annotation.</returns>
    public Task<Annotation?> GetAsync(string tenantId, string roomId, string annotationId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadOneAsync(c, t, tenantId, roomId, annotationId), cancellationToken);

    /// <summary>Lists a message's annotations with their threads, in text order (by start, then as made).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="includeResolved">Whether resolved annotations are listed too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The annotations.</returns>
    public Task<IReadOnlyList<Annotation>> ListAsync(string tenantId, string roomId, string messageId, bool includeResolved, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<Annotation>>(tenantId, async (c, t) => await ReadAsync(c, t, tenantId,
            "a.room_id = @roomId AND a.message_id = @messageId" + (includeResolved ? string.Empty : " AND a.resolved_at IS NULL") +
            " ORDER BY a.span_start, a.created_at, a.id",
            new { tenantId, roomId, messageId }), cancellationToken);

    /// <summary>Adds a comment to an annotation's thread.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="annotationId">The annotation.</param>
    /// <param name="authorId">Who writes it.</param>
    /// <param name="text">The comment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The annotation with its thread, or null when the room has no such annotation.</returns>
    public Task<Annotation?> AddCommentAsync(string tenantId, string roomId, string annotationId, string authorId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(authorId);
        ArgumentNullException.ThrowIfNull(text);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var inserted = await c.ExecuteAsync(
                "INSERT INTO annotation_comments (tenant_id, id, annotation_id, author_id, text, created_at) " +
                "SELECT a.tenant_id, @id, a.id, @authorId, @text, @now FROM annotations a WHERE a.tenant_id = @tenantId AND a.room_id = @roomId AND a.id = @annotationId",
                new { tenantId, roomId, annotationId, id = NewId(), authorId, text, now = Ms(Now()) }, t);
            return inserted == 0 ? null : await ReadOneAsync(c, t, tenantId, roomId, annotationId);
        }, cancellationToken);
    }

    /// <summary>Marks an annotation resolved, or open again; resolving a resolved one keeps who resolved it first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="annotationId">The annotation.</param>
    /// <param name="resolved">True to resolve, false to reopen.</param>
    /// <param name="actorId">Who resolves it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The annotation as it now is, or null when the room has no such annotation.</returns>
    public Task<Annotation?> SetResolvedAsync(string tenantId, string roomId, string annotationId, bool resolved, string actorId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync(
                resolved
                    ? "UPDATE annotations SET resolved_at = @now, resolved_by = @actorId WHERE tenant_id = @tenantId AND room_id = @roomId AND id = @annotationId AND resolved_at IS NULL"
                    : "UPDATE annotations SET resolved_at = NULL, resolved_by = NULL WHERE tenant_id = @tenantId AND room_id = @roomId AND id = @annotationId",
                new { tenantId, roomId, annotationId, actorId, now = Ms(Now()) }, t);
            return await ReadOneAsync(c, t, tenantId, roomId, annotationId);
        }, cancellationToken);

    /// <summary>Deletes an annotation and its thread.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="annotationId">The annotation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the room has no such annotation.</returns>
    public Task<bool> DeleteAsync(string tenantId, string roomId, string annotationId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "DELETE FROM annotations WHERE tenant_id = @tenantId AND room_id = @roomId AND id = @annotationId", new { tenantId, roomId, annotationId }, t) == 1, cancellationToken);

    private DateTimeOffset Now() => Time(Ms(time.GetUtcNow()));

    private static async Task<Annotation?> ReadOneAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string annotationId) =>
        (await ReadAsync(c, t, tenantId, "a.room_id = @roomId AND a.id = @annotationId", new { tenantId, roomId, annotationId })).SingleOrDefault();

    /// <summary>Reads annotations of the tenant matching <paramref name="where"/> (which may end in ORDER BY), with their threads.</summary>
    private static async Task<List<Annotation>> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string where, object parameters)
    {
        var rows = (await c.QueryAsync<AnnotationRow>($"SELECT {Columns} FROM annotations a WHERE a.tenant_id = @tenantId AND {where}", parameters, t)).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var comments = (await c.QueryAsync<(string AnnotationId, string Id, string AuthorId, string Text, long CreatedAt)>(
                "SELECT annotation_id, id, author_id, text, created_at FROM annotation_comments WHERE tenant_id = @tenantId AND " +
                InList(c, "annotation_id", "@ids") + " ORDER BY created_at, id",
                new { tenantId, ids = rows.Select(r => r.Id).ToArray() }, t))
            .ToLookup(x => x.AnnotationId, x => new AnnotationComment(x.Id, x.AuthorId, x.Text, Time(x.CreatedAt)));
        return rows.Select(r => new Annotation(
            r.Id, r.RoomId, r.MessageId, r.AuthorId, (int)r.Start, (int)r.Length, r.Text, comments[r.Id].ToList(), Time(r.CreatedAt), Time(r.ResolvedAt), r.ResolvedBy)).ToList();
    }

    private sealed class AnnotationRow
    {
        public string Id { get; set; } = string.Empty;

        public string RoomId { get; set; } = string.Empty;

        public string MessageId { get; set; } = string.Empty;

        public string AuthorId { get; set; } = string.Empty;

        public long Start { get; set; }

        public long Length { get; set; }

        public string Text { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? ResolvedAt { get; set; }

        public string? ResolvedBy { get; set; }
    }

    private sealed class MessageState
    {
        public long? DeletedAt { get; set; }
    }
}
