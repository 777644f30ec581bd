using System.Threading.Channels;
using Atom.Server.Chat.Streaming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Atom.Server.Chat.Backplane;

/// <summary>
/// Receives the other nodes' announcements on one dedicated <c>LISTEN</c> connection and delivers them to this
/// node's subscriptions: a stored event is read from this node's own store (the notification carries only ids and
/// a sequence), a transient one is delivered as it came. Rooms nobody here subscribes to cost nothing but the parse.
/// </summary>
/// <remarks>
/// Nothing here must be reliable, because <see cref="ChatSubscription"/> fills any gap from the store when the
/// room's next event arrives. What could otherwise leave a subscriber waiting, a lost connection (notifications
/// sent meanwhile are gone) or a full inbox, is followed by a resync: every room subscribed here gets its latest
/// event again, and each subscription reads whatever it missed before it.
/// </remarks>
internal sealed partial class PostgresRoomListener : IHostedService, IDisposable
{
    /// <summary>The application_name of the listening connection, to find it in pg_stat_activity.</summary>
    public const string ApplicationName = "atom-backplane";

    private const int MaxBatch = 1000;

    private readonly RoomFanout _fanout;
    private readonly IRoomEventSource _source;
    private readonly BackplaneNode _node;
    private readonly BackplaneOptions _options;
    private readonly ILogger<PostgresRoomListener> _logger;
    private readonly string _connectionString;
    private readonly Channel<Inbound> _inbox;
    private readonly CancellationTokenSource _stopping = new();

    // The sequence up to which each subscribed room's events were delivered from announcements: the next
    // announcement reads from there, once, rather than every subscription reading the gap on its own.
    private readonly Dictionary<(string TenantId, string RoomId), long> _delivered = [];
    private Task _listening = Task.CompletedTask;
    private Task _handling = Task.CompletedTask;
    private volatile bool _resyncWanted;

    public PostgresRoomListener(
        string connectionString,
        RoomFanout fanout,
        IRoomEventSource source,
        BackplaneNode node,
        IOptions<BackplaneOptions> options,
        ILogger<PostgresRoomListener> logger)
    {
        _fanout = fanout;
        _source = source;
        _node = node;
        _options = options.Value;
        _logger = logger;
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Its own connection, never pooled: a pool would UNLISTEN it on return, and it lives as long as the node.
            Pooling = false,
            ApplicationName = ApplicationName,
            KeepAlive = Math.Max(1, (int)_options.KeepAlive.TotalSeconds),
        }.ConnectionString;
        _inbox = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Listens before the server takes calls, so nothing published from then on is missed.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the node listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await ListenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"Atom:Backplane is postgres, but LISTEN {RoomNotification.Channel} failed: {ex.Message}", ex);
        }

        Log.Listening(_logger, RoomNotification.Channel, _node.Id);
        _listening = Task.Run(() => ListenLoopAsync(connection, _stopping.Token), CancellationToken.None);
        _handling = Task.Run(() => HandleLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Stops listening and handling.</summary>
    /// <param name="cancellationToken">Ends the wait early.</param>
    /// <returns>A task that completes when both loops ended.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_listening, _handling).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Open streams used up the shutdown timeout before this ran: the loops are cancelled and end on their own.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Notification += (_, e) => Receive(e.Payload);
            await connection.OpenAsync(cancellationToken);
            await using var listen = new NpgsqlCommand($"LISTEN {RoomNotification.Channel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task ListenLoopAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                await connection.DisposeAsync();
                return;
            }
            catch (Exception ex)
            {
                Log.ListenLost(_logger, ex);
            }

            await connection.DisposeAsync();
            if (await ReconnectAsync(cancellationToken) is not { } reconnected)
            {
                return;
            }

            connection = reconnected;

            // Whatever was announced while this node was deaf is in the store: each subscribed room gets its latest event.
            RequestResync();
        }
    }

    private void RequestResync()
    {
        _resyncWanted = true;

        // Only wakes the handler; when the inbox is full it is awake anyway.
        _inbox.Writer.TryWrite(Inbound.Resync);
    }

    private async Task<NpgsqlConnection?> ReconnectAsync(CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
                var connection = await ListenAsync(cancellationToken);
                Log.Reconnected(_logger, attempt);
                return connection;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex)
            {
                Log.ReconnectFailed(_logger, attempt, ex.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    /// <summary>Runs inside <see cref="NpgsqlConnection.WaitAsync(CancellationToken)"/>: only parse and queue, never wait.</summary>
    private void Receive(string payload)
    {
        if (!RoomNotification.TryParse(payload, out var notification))
        {
            Log.Malformed(_logger, payload.Length);
            return;
        }

        if (notification.Origin == _node.Id)
        {
            return; // delivered here when it was published
        }

        if (!_inbox.Writer.TryWrite(new Inbound(notification)))
        {
            RequestResync();
        }
    }

    private async Task HandleLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _inbox.Reader;
        var batch = new List<RoomNotification>();
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    if (!item.IsResync)
                    {
                        batch.Add(item.Notification);
                    }
                }

                foreach (var notification in RoomNotification.Fold(batch))
                {
                    await HandleAsync(notification, cancellationToken);
                }

                batch.Clear();
                if (_resyncWanted)
                {
                    _resyncWanted = false;
                    await ResyncAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(RoomNotification notification, CancellationToken cancellationToken)
    {
        var room = (notification.TenantId, notification.RoomId);
        if (_fanout.SubscriberCount(notification.TenantId, notification.RoomId) == 0)
        {
            _delivered.Remove(room);
            return;
        }

        if (!notification.IsStored)
        {
            _fanout.DeliverTransient(notification.TenantId, notification.RoomId, notification.Transient!);
            return;
        }

        // A room first heard of gets only the announced event: each subscription reads what it lacks before it.
        var after = _delivered.TryGetValue(room, out var delivered) ? delivered : notification.Sequence - 1;
        if (after >= notification.Sequence)
        {
            return;
        }

        after = Math.Max(after, notification.Sequence - _options.MaxEventsPerNotification);
        try
        {
            var events = await _source.ReadAfterAsync(notification.TenantId, notification.RoomId, after, (int)(notification.Sequence - after), cancellationToken);
            foreach (var roomEvent in events)
            {
                _fanout.Deliver(notification.TenantId, roomEvent);
            }

            // Up to what the store had, not what was announced: a forged sequence from the future must not mute the room.
            if (events.Count > 0)
            {
                _delivered[room] = events[^1].Sequence;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The room's next announcement (or the next resync) reads from the same place again.
            Log.ReadFailed(_logger, notification.TenantId, notification.RoomId, notification.Sequence, ex);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var rooms = _fanout.SubscribedRooms();
        Log.Resyncing(_logger, rooms.Count);
        foreach (var key in _delivered.Keys.Except(rooms).ToList())
        {
            _delivered.Remove(key);
        }

        foreach (var (tenantId, roomId) in rooms)
        {
            try
            {
                var last = await _source.LastSequenceAsync(tenantId, roomId, cancellationToken) ?? 0;
                if (last == 0)
                {
                    continue;
                }

                foreach (var roomEvent in await _source.ReadAfterAsync(tenantId, roomId, last - 1, 1, cancellationToken))
                {
                    _fanout.Deliver(tenantId, roomEvent);
                }

                _delivered[(tenantId, roomId)] = last;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.ReadFailed(_logger, tenantId, roomId, 0, ex);
            }
        }
    }

    /// <summary>A notification, or a nudge to look at <see cref="_resyncWanted"/>.</summary>
    private readonly record struct Inbound(RoomNotification Notification, bool IsResync = false)
    {
        public static Inbound Resync => new(default, true);
    }
}
