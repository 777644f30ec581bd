using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Server.Chat.Streaming;

/// <summary>
/// The live delivery of one stream (a Converse or Subscribe call): the rooms it receives, in each room's sequence
/// order, with no gap and no duplicate, from any resume point. Live events arrive through a bounded queue; stored
/// events fill in whatever live delivery did not bring (catch-up after a join, events published out of order,
/// events of other nodes). All per-room state is touched only by the reader, so it needs no locks.
/// </summary>
public sealed class ChatSubscription : IAsyncDisposable
{
    private readonly RoomFanout _fanout;
    private readonly IRoomEventSource _source;
    private readonly ChatStreamOptions _options;
    private readonly Channel<Inbound> _inbound;
    private readonly Dictionary<string, long> _delivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _attached = new(StringComparer.Ordinal);
    private readonly HashSet<string> _memberOf = new(StringComparer.Ordinal);
    private readonly Lock _attachGate = new();
    private volatile bool _overflowed;

    /// <summary>Initializes a new instance of the <see cref="ChatSubscription"/> class.</summary>
    /// <param name="fanout">Where live events come from.</param>
    /// <param name="source">Where stored events come from.</param>
    /// <param name="options">The queue limits.</param>
    /// <param name="tenantId">The subscriber's tenant.</param>
    /// <param name="userId">The subscriber.</param>
    public ChatSubscription(RoomFanout fanout, IRoomEventSource source, ChatStreamOptions options, string tenantId, string userId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _fanout = fanout;
        _source = source;
        _options = options;
        TenantId = tenantId;
        UserId = userId;
        _inbound = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The most events one batch of <see cref="ReadAllAsync"/> holds.</summary>
    public const int MaxBatch = 128;

    /// <summary>Gets the subscriber's tenant.</summary>
    public string TenantId { get; }

    /// <summary>Gets the subscriber.</summary>
    public string UserId { get; }

    /// <summary>
    /// Starts receiving a room from just after <paramref name="afterSequence"/>. The caller has checked that the
    /// subscriber may read the room and that the sequence is not from the future.
    /// </summary>
    /// <param name="roomId">The room.</param>
    /// <param name="afterSequence">The last sequence the subscriber already has.</param>
    /// <param name="isMember">Whether the subscriber is a member; a non-member reads a public room only while it stays public.</param>
    public void Join(string roomId, long afterSequence, bool isMember = true)
    {
        // Attach before the join is read, so nothing published in between is lost: the reader drops what the
        // catch-up already covers.
        lock (_attachGate)
        {
            if (_attached.Add(roomId))
            {
                _fanout.Attach(TenantId, roomId, this);
            }
        }

        Enqueue(new Inbound(InboundKind.Join, roomId, afterSequence, null, isMember));
    }

    /// <summary>Stops receiving a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="reason">Why, told to the subscriber; null to say nothing.</param>
    public void Leave(string roomId, string? reason = null)
    {
        Detach(roomId);
        Enqueue(new Inbound(InboundKind.Leave, roomId, 0, reason is null ? null : new ChatEvent { RoomClosed = new RoomClosedEvent { RoomId = roomId, Reason = reason } }));
    }

    /// <summary>Gets the rooms this subscription receives.</summary>
    /// <returns>The room ids.</returns>
    public IReadOnlyCollection<string> Rooms()
    {
        lock (_attachGate)
        {
            return [.. _attached];
        }
    }

    /// <summary>
    /// Delivers the subscription's events until cancelled, in batches: each batch is what was ready at once (about
    /// <see cref="MaxBatch"/> events at most), so a writer can flush once per batch instead of once per event, and a
    /// subscriber that fell behind catches up in fewer, larger writes. A batch is valid until the next one is asked
    /// for. Throws RESOURCE_EXHAUSTED, with a <see cref="ResumePoint"/> detail saying where each room stopped, when
    /// the subscriber fell more than the queue's capacity behind.
    /// </summary>
    /// <param name="cancellationToken">Ends delivery.</param>
    /// <returns>The batches of events.</returns>
    public async IAsyncEnumerable<IReadOnlyList<ChatEvent>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _inbound.Reader;
        var batch = new List<ChatEvent>(MaxBatch);
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var item))
            {
                if (_overflowed)
                {
                    break;
                }

                switch (item.Kind)
                {
                    case InboundKind.Join:
                        if (!_delivered.TryGetValue(item.RoomId, out var already) || already < item.Sequence)
                        {
                            _delivered[item.RoomId] = item.Sequence;
                        }

                        if (item.IsMember)
                        {
                            _memberOf.Add(item.RoomId);
                        }
                        else
                        {
                            _memberOf.Remove(item.RoomId);
                        }

                        await foreach (var stored in CatchUpAsync(item.RoomId, long.MaxValue, cancellationToken))
                        {
                            batch.Add(stored);
                            if (batch.Count == MaxBatch)
                            {
                                yield return batch;
                                batch.Clear();
                            }
                        }

                        if (_delivered.TryGetValue(item.RoomId, out var caughtUp))
                        {
                            _fanout.CaughtUp(TenantId, item.RoomId, caughtUp);
                            batch.Add(new ChatEvent { CaughtUp = new CaughtUpEvent { RoomId = item.RoomId, Sequence = caughtUp } });
                        }
                        break;

                    case InboundKind.Leave:
                        _delivered.Remove(item.RoomId);
                        if (item.Event is not null)
                        {
                            batch.Add(item.Event);
                        }

                        break;

                    case InboundKind.Live when item.Event!.KindCase == ChatEvent.KindOneofCase.RoomEvent:
                        if (!_delivered.TryGetValue(item.RoomId, out var last))
                        {
                            break; // published before the join was read: the join's catch-up has it
                        }

                        var sequence = item.Event.RoomEvent.Sequence;
                        if (sequence <= last)
                        {
                            break; // already delivered by a catch-up
                        }

                        if (sequence > last + 1)
                        {
                            // Missed (the fan-out stopped waiting for it, or another node's announcement was lost):
                            // the store has everything up to it.
                            await foreach (var stored in CatchUpAsync(item.RoomId, sequence - 1, cancellationToken))
                            {
                                batch.Add(stored);
                                if (batch.Count == MaxBatch)
                                {
                                    yield return batch;
                                    batch.Clear();
                                }
                            }
                        }

                        _delivered[item.RoomId] = sequence;
                        batch.Add(item.Event);
                        if (ClosingReason(item.Event.RoomEvent) is { } reason)
                        {
                            batch.Add(Close(item.RoomId, reason));
                        }

                        break;

                    case InboundKind.Live:
                        if (_delivered.ContainsKey(item.RoomId))
                        {
                            if (item.Event.KindCase == ChatEvent.KindOneofCase.RoomClosed)
                            {
                                Detach(item.RoomId);
                                _delivered.Remove(item.RoomId);
                            }

                            batch.Add(item.Event);
                        }

                        break;
                }

                if (batch.Count >= MaxBatch)
                {
                    yield return batch;
                    batch.Clear();
                }
            }

            // What was gathered goes out even when the subscriber is being cut off: the resume point counts it as delivered.
            if (batch.Count > 0)
            {
                yield return batch;
                batch.Clear();
            }

            ThrowIfOverflowed();
        }

        // The queue is completed both on dispose and on overflow; only the latter is an error.
        ThrowIfOverflowed();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_attachGate)
        {
            foreach (var roomId in _attached)
            {
                _fanout.Detach(TenantId, roomId, this);
            }

            _attached.Clear();
        }

        _inbound.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Called by the fan-out on the publisher's thread: never blocks.</summary>
    internal void Offer(string roomId, ChatEvent live) => Enqueue(new Inbound(InboundKind.Live, roomId, 0, live));

    private void Enqueue(Inbound item)
    {
        if (!_inbound.Writer.TryWrite(item) && !_overflowed)
        {
            // Too far behind: stop at once rather than buffer without bound; the reader tells the subscriber where to resume.
            _overflowed = true;
            _inbound.Writer.TryComplete();
        }
    }

    private async IAsyncEnumerable<ChatEvent> CatchUpAsync(string roomId, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (_delivered.TryGetValue(roomId, out var after) && after < upTo)
        {
            var batch = await _source.ReadAfterAsync(TenantId, roomId, after, (int)Math.Min(_options.CatchUpBatchSize, upTo - after), cancellationToken);
            foreach (var stored in batch)
            {
                if (stored.Sequence != _delivered[roomId] + 1)
                {
                    throw new InvalidOperationException($"Room {roomId}: the store returned sequence {stored.Sequence} after {_delivered[roomId]}.");
                }

                _delivered[roomId] = stored.Sequence;
                yield return new ChatEvent { RoomEvent = stored };
                if (ClosingReason(stored) is { } reason)
                {
                    yield return Close(roomId, reason);
                    yield break;
                }
            }

            if (batch.Count < _options.CatchUpBatchSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Keeps the subscriber's membership current from the room's own events, and says why delivery must stop: they
    /// were removed (or left), or the room stopped being public while they read it without being a member.
    /// </summary>
    private string? ClosingReason(RoomEvent roomEvent)
    {
        switch (roomEvent.KindCase)
        {
            case RoomEvent.KindOneofCase.MembershipChanged when roomEvent.MembershipChanged.UserId == UserId:
                if (roomEvent.MembershipChanged.Role == RoomRole.Unspecified)
                {
                    _memberOf.Remove(roomEvent.RoomId);
                    return roomEvent.ActorId == UserId ? "left" : "removed";
                }

                _memberOf.Add(roomEvent.RoomId);
                return null;
            case RoomEvent.KindOneofCase.RoomUpdated when roomEvent.RoomUpdated.Visibility != RoomVisibility.Public && !_memberOf.Contains(roomEvent.RoomId):
                return "private";
            default:
                return null;
        }
    }

    private ChatEvent Close(string roomId, string reason)
    {
        Detach(roomId);
        _delivered.Remove(roomId);
        _memberOf.Remove(roomId);
        return new ChatEvent { RoomClosed = new RoomClosedEvent { RoomId = roomId, Reason = reason } };
    }

    private void Detach(string roomId)
    {
        lock (_attachGate)
        {
            if (_attached.Remove(roomId))
            {
                _fanout.Detach(TenantId, roomId, this);
            }
        }
    }

    private void ThrowIfOverflowed()
    {
        if (!_overflowed)
        {
            return;
        }

        var resume = new ResumePoint();
        resume.Rooms.AddRange(_delivered.Select(d => new RoomCursor { RoomId = d.Key, AfterSequence = d.Value }));
        throw new RpcException(StatusCode.ResourceExhausted,
            $"This stream fell more than {_options.QueueCapacity} events behind and was stopped: reconnect and resume from the sequences in the ResumePoint detail.",
            AtomErrors.Info(ErrorReason.SubscriberTooSlow, ("queue_capacity", _options.QueueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            resume);
    }

    private enum InboundKind
    {
        Join,
        Leave,
        Live,
    }

    private readonly record struct Inbound(InboundKind Kind, string RoomId, long Sequence, ChatEvent? Event, bool IsMember = false);
}
