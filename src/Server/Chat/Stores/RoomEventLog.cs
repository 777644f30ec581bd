using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Chat.Internal.ChatStoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Chat.Stores;

/// <summary>
/// Reads each room's event log: every stored change of the room (messages posted, edited, deleted, reactions, pins,
/// membership, room updates) under a gap-free sequence 1, 2, 3, ... The <see cref="RoomStore"/> and
/// <see cref="MessageStore"/> append to it in the transaction of the change itself.
/// </summary>
/// <param name="database">The store.</param>
public sealed class RoomEventLog(AtomDatabase database)
{
    /// <summary>The most events <see cref="ReadAsync"/> returns in one call.</summary>
    public const int MaxReadLimit = 1000;

    /// <summary>Reads a room's events after a sequence, in order: the catch-up of a subscriber that has seen everything up to it.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="afterSequence">The last sequence already seen; 0 reads from the start.</param>
    /// <param name="limit">The most events to return (1 to <see cref="MaxReadLimit"/>; larger is capped).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events with sequences afterSequence + 1, afterSequence + 2, ... up to the limit or the end of the log.</returns>
    public Task<IReadOnlyList<StoredRoomEvent>> ReadAsync(string tenantId, string roomId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.InTenantAsync<IReadOnlyList<StoredRoomEvent>>(tenantId, async (c, t) => (await c.QueryAsync<EventRow>(
                "SELECT room_id AS RoomId, sequence AS Sequence, kind AS Kind, actor_id AS ActorId, message_id AS MessageId, payload AS Payload, created_at AS CreatedAt " +
                "FROM room_events WHERE tenant_id = @tenantId AND room_id = @roomId AND sequence > @afterSequence ORDER BY sequence LIMIT @limit",
                new { tenantId, roomId, afterSequence, limit = Math.Min(limit, MaxReadLimit) }, t))
            .Select(r => new StoredRoomEvent(r.RoomId, r.Sequence, ParseEventKind(r.Kind), r.ActorId, r.MessageId, r.Payload, Time(r.CreatedAt)))
            .ToList(), cancellationToken);
    }

    /// <summary>Gets the sequence of a room's latest event: where live delivery of the room starts.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sequence (0 before the first event), or null when the tenant has no such room.</returns>
    public Task<long?> LastSequenceAsync(string tenantId, string roomId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => c.QuerySingleOrDefaultAsync<long?>(
            "SELECT last_sequence FROM rooms WHERE tenant_id = @tenantId AND id = @roomId", new { tenantId, roomId }, t), cancellationToken);

    private sealed class EventRow
    {
        public string RoomId { get; set; } = string.Empty;

        public long Sequence { get; set; }

        public string Kind { get; set; } = string.Empty;

        public string ActorId { get; set; } = string.Empty;

        public string? MessageId { get; set; }

        public byte[] Payload { get; set; } = [];

        public long CreatedAt { get; set; }
    }
}
