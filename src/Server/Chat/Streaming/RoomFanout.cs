using System.Collections.Concurrent;
using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>
/// Which live subscriptions receive which room, in this process. Publishing never waits: each subscription has
/// its own bounded queue, so one slow consumer costs only itself. What is published here is also announced to the
/// other nodes through the <see cref="IRoomBackplane"/>; what they announce comes back in through <see cref="Deliver"/>.
/// </summary>
/// <remarks>
/// Stored events reach subscriptions in sequence order. Concurrent sends commit in sequence order but publish in
/// whatever order their threads get there, and other nodes' events arrive through the backplane; an event that
/// overtakes an earlier one waits, up to <see cref="ChatStreamOptions.ReorderWindow"/>, for the earlier one to be
/// published. Otherwise every subscription would see the gap and read the store to fill it: one read per
/// subscriber, for an event that was about to arrive anyway.
/// </remarks>
public sealed class RoomFanout
{
    private readonly ConcurrentDictionary<(string Tenant, string Room), RoomRoute> _rooms = new();
    private readonly Lock _gate = new();
    private readonly ChatStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly IRoomBackplane? _backplane;

    /// <summary>Initializes a new instance of the <see cref="RoomFanout"/> class.</summary>
    /// <param name="options">The reorder window and capacity.</param>
    /// <param name="time">The clock the reorder window runs on.</param>
    /// <param name="backplane">Announces publications to other nodes; null when this node is the only one.</param>
    public RoomFanout(ChatStreamOptions options, TimeProvider time, IRoomBackplane? backplane = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _backplane = backplane;
    }

    /// <summary>Delivers a stored room event (after its transaction committed) to the room's subscriptions on every node.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomEvent">The event.</param>
    public void Publish(string tenantId, RoomEvent roomEvent)
    {
        Deliver(tenantId, roomEvent);
        _backplane?.AnnounceStored(tenantId, roomEvent.RoomId, roomEvent.Sequence);
    }

    /// <summary>Delivers a stored room event to the room's subscriptions in this process only: what another node announced.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomEvent">The event.</param>
    public void Deliver(string tenantId, RoomEvent roomEvent)
    {
        ArgumentNullException.ThrowIfNull(roomEvent);
        if (_rooms.TryGetValue((tenantId, roomEvent.RoomId), out var route))
        {
            route.Sequence(roomEvent);
        }
    }

    /// <summary>Delivers an event that is not stored or sequenced (typing, receipts, a room closing) to the room's subscriptions on every node.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="transient">The event.</param>
    public void PublishTransient(string tenantId, string roomId, ChatEvent transient)
    {
        DeliverTransient(tenantId, roomId, transient);
        _backplane?.AnnounceTransient(tenantId, roomId, transient);
    }

    /// <summary>Delivers a transient event to the room's subscriptions in this process only: what another node announced.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="transient">The event.</param>
    public void DeliverTransient(string tenantId, string roomId, ChatEvent transient)
    {
        if (_rooms.TryGetValue((tenantId, roomId), out var route))
        {
            route.Send(roomId, transient);
        }
    }

    /// <summary>Gets how many subscriptions receive a room here.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <returns>The count.</returns>
    public int SubscriberCount(string tenantId, string roomId) => _rooms.TryGetValue((tenantId, roomId), out var route) ? route.Subscribers.Length : 0;

    /// <summary>Gets the rooms that have at least one subscription here.</summary>
    /// <returns>The rooms, as (tenant, room) pairs.</returns>
    public IReadOnlyList<(string TenantId, string RoomId)> SubscribedRooms() => [.. _rooms.Keys];

    /// <summary>
    /// Tells a room's route where the store stood when a subscription caught up, so a route that has published
    /// nothing yet knows which sequence comes next rather than taking the first one it is given.
    /// </summary>
    internal void CaughtUp(string tenantId, string roomId, long sequence)
    {
        if (_rooms.TryGetValue((tenantId, roomId), out var route))
        {
            route.Start(sequence);
        }
    }

    internal void Attach(string tenantId, string roomId, ChatSubscription subscription)
    {
        // Writers copy the array under a lock; publishers read whichever array is current without one.
        lock (_gate)
        {
            var route = _rooms.GetOrAdd((tenantId, roomId), static (_, fanout) => new RoomRoute(fanout), this);
            route.Subscribers = [.. route.Subscribers, subscription];
        }
    }

    internal void Detach(string tenantId, string roomId, ChatSubscription subscription)
    {
        lock (_gate)
        {
            var key = (tenantId, roomId);
            if (!_rooms.TryGetValue(key, out var route))
            {
                return;
            }

            route.Subscribers = [.. route.Subscribers.Where(s => s != subscription)];
            if (route.Subscribers.Length == 0)
            {
                _rooms.TryRemove(key, out _);
                route.Dispose();
            }
        }
    }

    /// <summary>One room's subscriptions here, and the order its stored events are handed to them in.</summary>
    private sealed class RoomRoute(RoomFanout fanout) : IDisposable
    {
        private const long Unknown = -1;

        private readonly Lock _order = new();
        private readonly SortedList<long, RoomEvent> _waiting = [];
        private long _published = Unknown;
        private ITimer? _timer;

        public volatile ChatSubscription[] Subscribers = [];

        public void Sequence(RoomEvent roomEvent)
        {
            lock (_order)
            {
                var sequence = roomEvent.Sequence;
                if (sequence <= _published)
                {
                    // Late, after the window let later ones through: every subscription read it from the store then.
                    return;
                }

                // The first event this route sees has nothing to wait for: each subscription joined from its own point.
                if (_published == Unknown || sequence == _published + 1)
                {
                    Release(roomEvent);
                    while (_waiting.Count > 0 && _waiting.Keys[0] <= _published + 1)
                    {
                        var next = _waiting.Values[0];
                        _waiting.RemoveAt(0);
                        if (next.Sequence > _published)
                        {
                            Release(next);
                        }
                    }

                    if (_waiting.Count == 0)
                    {
                        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }

                    return;
                }

                _waiting[sequence] = roomEvent;
                if (_waiting.Count >= fanout._options.ReorderCapacity)
                {
                    ReleaseWaiting();
                }
                else if (_waiting.Count == 1)
                {
                    _timer ??= fanout._time.CreateTimer(static state => ((RoomRoute)state!).WindowPassed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    _timer.Change(fanout._options.ReorderWindow, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Start(long sequence)
        {
            lock (_order)
            {
                if (_published == Unknown)
                {
                    _published = sequence;
                }
            }
        }

        public void Send(string roomId, ChatEvent chatEvent)
        {
            foreach (var subscription in Subscribers)
            {
                subscription.Offer(roomId, chatEvent);
            }
        }

        public void Dispose()
        {
            lock (_order)
            {
                _timer?.Dispose();
                _timer = null;
                _waiting.Clear();
            }
        }

        private void WindowPassed()
        {
            lock (_order)
            {
                ReleaseWaiting();
            }
        }

        /// <summary>Delivers what waited, in order, gaps and all: each subscription fills the gaps from the store.</summary>
        private void ReleaseWaiting()
        {
            foreach (var roomEvent in _waiting.Values)
            {
                Release(roomEvent);
            }

            _waiting.Clear();
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        private void Release(RoomEvent roomEvent)
        {
            _published = roomEvent.Sequence;
            Send(roomEvent.RoomId, new ChatEvent { RoomEvent = roomEvent });
        }
    }
}
