using System.Threading.Channels;
using Atom.Server.Chat.Streaming;
using Atom.Server.Storage;
using Atom.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Atom.Server.Chat.Backplane;

/// <summary>
/// Announces this node's publications to the other nodes with <c>pg_notify</c>. Publishers only queue (they run on
/// the request's thread, after the change committed); one loop sends whatever queued meanwhile in one statement,
/// after folding a room's stored announcements into its latest. The queue is bounded: past it announcements are
/// dropped and counted, which delays the other nodes' delivery until the room's next event but loses nothing stored.
/// </summary>
internal sealed partial class PostgresRoomNotifier : IRoomBackplane, IHostedService, IDisposable
{
    private const int MaxBatch = 1000;
    private const int Attempts = 3;
    private const string NotifySql = "SELECT pg_notify(@channel, payload) FROM unnest(@payloads) AS payload";

    private readonly AtomDatabase _database;
    private readonly BackplaneNode _node;
    private readonly ILogger<PostgresRoomNotifier> _logger;
    private readonly Channel<RoomNotification> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private Task _sending = Task.CompletedTask;
    private long _dropped;

    public PostgresRoomNotifier(AtomDatabase database, BackplaneNode node, IOptions<BackplaneOptions> options, ILogger<PostgresRoomNotifier> logger)
    {
        _database = database;
        _node = node;
        _logger = logger;
        _queue = Channel.CreateBounded<RoomNotification>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <inheritdoc />
    public void AnnounceStored(string tenantId, string roomId, long sequence) => Enqueue(new RoomNotification(_node.Id, tenantId, roomId, sequence, null));

    /// <inheritdoc />
    public void AnnounceTransient(string tenantId, string roomId, ChatEvent transient) => Enqueue(new RoomNotification(_node.Id, tenantId, roomId, 0, transient));

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sending = Task.Run(() => SendLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Calls have drained by now (the web host stops first): send what they announced, unless shutdown runs out of time.
        _queue.Writer.TryComplete();
        try
        {
            await _sending.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
            await _sending;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private void Enqueue(RoomNotification notification)
    {
        if (!_queue.Writer.TryWrite(notification))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var batch = new List<RoomNotification>();
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var notification))
                {
                    batch.Add(notification);
                }

                var payloads = new List<string>(batch.Count);
                foreach (var notification in RoomNotification.Fold(batch))
                {
                    if (notification.Format() is { } payload)
                    {
                        payloads.Add(payload);
                    }
                    else
                    {
                        Log.TooLarge(_logger, notification.TenantId, notification.RoomId);
                    }
                }

                batch.Clear();
                await SendAsync(payloads, cancellationToken);
                if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
                {
                    Log.Dropped(_logger, dropped);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown ran out of time: what is left is delivered from the store on the other nodes' next event.
        }
    }

    private async Task SendAsync(List<string> payloads, CancellationToken cancellationToken)
    {
        for (var attempt = 1; payloads.Count > 0; attempt++)
        {
            try
            {
                await using var connection = await _database.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(NotifySql, (NpgsqlConnection)connection);
                command.Parameters.AddWithValue("channel", RoomNotification.Channel);
                command.Parameters.AddWithValue("payloads", payloads.ToArray());
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A pooled connection the server closed fails once and is replaced; a database that is down fails every time.
                if (attempt == Attempts)
                {
                    Log.SendFailed(_logger, payloads.Count, ex);
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }
}
