using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>
/// Tells the other server nodes what this node published, so their subscribers receive it too. It carries only
/// that a room reached a sequence (the receiving node reads the events from its own store) and transient events;
/// it need not be ordered or reliable, because a subscription fills any gap from the store.
/// </summary>
public interface IRoomBackplane
{
    /// <summary>Announces that a room's stored event log reached a sequence; called after the change committed. Never blocks.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="sequence">The committed sequence.</param>
    void AnnounceStored(string tenantId, string roomId, long sequence);

    /// <summary>Announces an event that is not stored (typing, receipts, a room closing); it may be dropped. Never blocks.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="transient">The event.</param>
    void AnnounceTransient(string tenantId, string roomId, ChatEvent transient);
}
