using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.V1;

namespace Atom.Server.Chat.Api.Internal;

/// <summary>Live delivery's view of the room event log.</summary>
/// <param name="log">The log.</param>
internal sealed class StoredRoomEventSource(RoomEventLog log) : IRoomEventSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomEvent>> ReadAfterAsync(string tenantId, string roomId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        [.. (await log.ReadAsync(tenantId, roomId, afterSequence, Math.Min(limit, RoomEventLog.MaxReadLimit), cancellationToken)).Select(RoomEvents.Parse)];

    /// <inheritdoc />
    public Task<long?> LastSequenceAsync(string tenantId, string roomId, CancellationToken cancellationToken) =>
        log.LastSequenceAsync(tenantId, roomId, cancellationToken);
}
