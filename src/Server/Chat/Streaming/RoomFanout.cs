using System.Collections.Concurrent;
using System.Collections.Immutable;
using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>
/// Which live subscriptions receive which room, in this process. Publishing never waits: each subscription has
/// its own bounded queue, so one slow consumer costs only itself. What is published here is also announced to the
/// other nodes through the <see cref="IRoomBackplane"/>; what they announce comes back in through <see cref="Deliver"/>.
/// </summary>
/// <param name="backplane">Announces publications to other nodes; null when this node is the only one.</param>
public sealed class RoomFanout(IRoomBackplane? backplane = null)
{
    private readonly ConcurrentDictionary<(string Tenant, string Room), ImmutableArray<ChatSubscription>> _rooms = new();
    private readonly Lock _gate = new();

    /// <summary>Delivers a stored room event (after its transaction committed) to the room's subscriptions on every node.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomEvent">The event.</param>
    public void Publish(string tenantId, RoomEvent roomEvent)
    {
        Deliver(tenantId, roomEvent);
        backplane?.AnnounceStored(tenantId, roomEvent.RoomId, roomEvent.Sequence);
    }

    /// <summary>Delivers a stored room event to the room's subscriptions in this process only: what another node announced.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomEvent">The event.</param>
    public void Deliver(string tenantId, RoomEvent roomEvent)
    {
        ArgumentNullException.ThrowIfNull(roomEvent);
        if (_rooms.TryGetValue((tenantId, roomEvent.RoomId), out var subscriptions))
        {
            var live = new ChatEvent { RoomEvent = roomEvent };
            foreach (var subscription in subscriptions)
            {
                subscription.Offer(roomEvent.RoomId, live);
            }
        }
    }

    /// <summary>Delivers an event that is not stored or sequenced (typing, receipts, a room closing) to the room's subscriptions on every node.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="transient">The event.</param>
    public void PublishTransient(string tenantId, string roomId, ChatEvent transient)
    {
        DeliverTransient(tenantId, roomId, transient);
        backplane?.AnnounceTransient(tenantId, roomId, transient);
    }

    /// <summary>Delivers a transient event to the room's subscriptions in this process only: what another node announced.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="transient">The event.</param>
    public void DeliverTransient(string tenantId, string roomId, ChatEvent transient)
    {
        if (_rooms.TryGetValue((tenantId, roomId), out var subscriptions))
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Offer(roomId, transient);
            }
        }
    }

    /// <summary>Gets how many subscriptions receive a room here.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <returns>The count.</returns>
    public int SubscriberCount(string tenantId, string roomId) => _rooms.TryGetValue((tenantId, roomId), out var s) ? s.Length : 0;

    /// <summary>Gets the rooms that have at least one subscription here.</summary>
    /// <returns>The rooms, as (tenant, room) pairs.</returns>
    public IReadOnlyList<(string TenantId, string RoomId)> SubscribedRooms() => [.. _rooms.Keys];

    internal void Attach(string tenantId, string roomId, ChatSubscription subscription)
    {
        // Writers copy the array under a lock; publishers read whichever array is current without one.
        lock (_gate)
        {
            var key = (tenantId, roomId);
            _rooms[key] = _rooms.TryGetValue(key, out var current) ? current.Add(subscription) : [subscription];
        }
    }

    internal void Detach(string tenantId, string roomId, ChatSubscription subscription)
    {
        lock (_gate)
        {
            var key = (tenantId, roomId);
            if (!_rooms.TryGetValue(key, out var current))
            {
                return;
            }

            var next = current.Remove(subscription);
            if (next.IsEmpty)
            {
                _rooms.TryRemove(key, out _);
            }
            else
            {
                _rooms[key] = next;
            }
        }
    }
}
