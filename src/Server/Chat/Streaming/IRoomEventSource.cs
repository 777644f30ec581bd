using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>Where a subscription reads stored room events it has not seen live: catch-up after a join, and gaps.</summary>
public interface IRoomEventSource
{
    /// <summary>Reads a room's stored events after a sequence, in order.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="afterSequence">The last sequence already delivered.</param>
    /// <param name="limit">The most to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, ascending and gap-free from <paramref name="afterSequence"/> + 1.</returns>
    Task<IReadOnlyList<RoomEvent>> ReadAfterAsync(string tenantId, string roomId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Gets a room's latest sequence.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The sequence, or null when the tenant has no such room.</returns>
    Task<long?> LastSequenceAsync(string tenantId, string roomId, CancellationToken cancellationToken);
}
