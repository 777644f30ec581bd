using System.Data.Common;
using Dapper;
using Npgsql;
using static Atom.Server.Chat.Internal.ChatStoreSupport;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Chat.Internal;

/// <summary>A room as its sequencer found it, locked for the rest of the transaction.</summary>
/// <param name="LastSequence">The sequence of the room's latest event.</param>
/// <param name="Archived">Whether the room is archived.</param>
internal sealed record LockedRoom(long LastSequence, bool Archived);

/// <summary>
/// Gives each room its gap-free event sequence. Every change of a room runs in one transaction that locks the room
/// (<see cref="LockAsync"/>), decides on what it read under that lock, and, when it changes something, takes the
/// next sequence, applies the change and records its event (<see cref="AppendAsync{T}"/>). A failure anywhere
/// rolls all three back together, so the log never has a gap or a duplicate.
/// </summary>
/// <remarks>
/// The lock is held until commit, so changes of one room commit in sequence order: a reader that has seen
/// sequence n and then reads the log never finds n + 2 without n + 1. On PostgreSQL the lock is the room's row
/// (<c>FOR NO KEY UPDATE</c>, which leaves foreign-key checks of other writers alone); SQLite has one writer and
/// <see cref="Storage.AtomDatabase"/> begins every transaction IMMEDIATE (Microsoft.Data.Sqlite's default), so a
/// transaction holds the database's write lock from its first statement and waits its busy timeout for it.
/// </remarks>
internal static class RoomSequencer
{
    /// <summary>Locks a room for this transaction and reads its position.</summary>
    /// <returns>The room, or null when the tenant has no such room.</returns>
    public static async Task<LockedRoom?> LockAsync(DbConnection c, DbTransaction t, string tenantId, string roomId)
    {
        var row = await c.QuerySingleOrDefaultAsync<LockRow>(
            "SELECT last_sequence AS LastSequence, archived_at AS ArchivedAt FROM rooms WHERE tenant_id = @tenantId AND id = @roomId" +
            (c is NpgsqlConnection ? " FOR NO KEY UPDATE" : string.Empty),
            new { tenantId, roomId }, t);
        return row is null ? null : new LockedRoom(row.LastSequence, row.ArchivedAt is not null);
    }

    /// <summary>
    /// Takes the room's next sequence, applies the change with it, and records the event built from the changed state.
    /// Call under <see cref="LockAsync"/> of the same room and transaction.
    /// </summary>
    /// <typeparam name="T">The changed state.</typeparam>
    /// <param name="c">The connection.</param>
    /// <param name="t">The transaction.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="kind">What happens.</param>
    /// <param name="actorId">Who does it.</param>
    /// <param name="now">When: the change records the same instant as its event.</param>
    /// <param name="apply">Applies the change with the event's sequence and returns the state after it and the message it concerns.</param>
    /// <param name="payload">Builds the stored event.</param>
    /// <returns>The state and the event.</returns>
    public static async Task<RoomChange<T>> AppendAsync<T>(
        DbConnection c,
        DbTransaction t,
        string tenantId,
        string roomId,
        RoomEventKind kind,
        string actorId,
        DateTimeOffset now,
        Func<long, Task<(T State, string? MessageId)>> apply,
        RoomEventPayload<T> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var sequence = await c.ExecuteScalarAsync<long>(
            "UPDATE rooms SET last_sequence = last_sequence + 1 WHERE tenant_id = @tenantId AND id = @roomId RETURNING last_sequence",
            new { tenantId, roomId }, t);
        if (sequence == 0)
        {
            throw new InvalidOperationException($"Room '{roomId}' vanished under its own lock.");
        }

        var (state, messageId) = await apply(sequence);
        var bytes = payload(state, new RoomEventStamp(roomId, sequence, actorId, now));
        var stored = new StoredRoomEvent(roomId, sequence, kind, actorId, messageId, bytes, now);
        await c.ExecuteAsync(
            "INSERT INTO room_events (tenant_id, room_id, sequence, kind, actor_id, message_id, payload, created_at) " +
            "VALUES (@tenantId, @roomId, @sequence, @kind, @actorId, @messageId, @bytes, @createdAt)",
            new { tenantId, roomId, sequence, kind = EventKindName(kind), actorId, messageId, bytes, createdAt = Ms(now) }, t);
        return new RoomChange<T>(state, stored);
    }

    private sealed class LockRow
    {
        public long LastSequence { get; set; }

        public long? ArchivedAt { get; set; }
    }
}
