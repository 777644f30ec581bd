using System.Threading.Channels;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>A Converse stream under test: writes client events, and collects everything the server sends on a background reader.</summary>
internal sealed class ConverseClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly AsyncDuplexStreamingCall<ConverseRequest, ConverseResponse> _call;
    private readonly Channel<ConverseResponse> _received = Channel.CreateUnbounded<ConverseResponse>();
    private readonly Task _reader;
    private int _nextEventId;

    public ConverseClient(AtomChannel channel)
    {
        _call = new ChatServiceClient(channel).Converse();
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Gets how the stream ended, once it has: null while it runs or when it ended OK.</summary>
    public RpcException? Ended { get; private set; }

    public async Task<string> SendAsync(ConverseRequest request)
    {
        if (request.EventId.Length == 0)
        {
            request.EventId = "e" + Interlocked.Increment(ref _nextEventId);
        }

        await _call.RequestStream.WriteAsync(request);
        return request.EventId;
    }

    public Task<string> JoinAsync(string roomId, long after = 0) =>
        SendAsync(new ConverseRequest { Join = new JoinRoomStream { Cursor = new RoomCursor { RoomId = roomId, AfterSequence = after } } });

    /// <summary>Joins and waits until the room's catch-up is done.</summary>
    public async Task<long> JoinAndCatchUpAsync(string roomId, long after = 0)
    {
        await JoinAsync(roomId, after);
        return (await NextAsync(r => r.Event?.CaughtUp?.RoomId == roomId)).Event.CaughtUp.Sequence;
    }

    public async Task<ConverseResponse> ReplyToAsync(string eventId) => await NextAsync(r => r.Reply?.EventId == eventId || r.Error?.EventId == eventId);

    /// <summary>The next response matching <paramref name="match"/>; responses before it are skipped.</summary>
    public async Task<ConverseResponse> NextAsync(Func<ConverseResponse, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var response = await _received.Reader.ReadAsync(timeout.Token);
            if (match(response))
            {
                return response;
            }
        }
    }

    /// <summary>The room events received for a room, in arrival order, until <paramref name="count"/> have arrived.</summary>
    public async Task<List<RoomEvent>> RoomEventsAsync(string roomId, int count)
    {
        var events = new List<RoomEvent>();
        while (events.Count < count)
        {
            events.Add((await NextAsync(r => r.Event?.RoomEvent?.RoomId == roomId)).Event.RoomEvent);
        }

        return events;
    }

    /// <summary>Everything received so far without waiting.</summary>
    public List<ConverseResponse> Drain()
    {
        var all = new List<ConverseResponse>();
        while (_received.Reader.TryRead(out var response))
        {
            all.Add(response);
        }

        return all;
    }

    public async Task<RpcException?> WaitForEndAsync()
    {
        await _reader.WaitAsync(Patience);
        return Ended;
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        try
        {
            await _reader.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext())
            {
                await _received.Writer.WriteAsync(_call.ResponseStream.Current);
            }
        }
        catch (RpcException ex)
        {
            Ended = ex;
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
