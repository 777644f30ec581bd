using System.Diagnostics;
using System.Threading.Channels;
using Atom.Sdk;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Server.Tests.Chat.Backplane;

/// <summary>People, rooms and messages on servers running as processes, made and read over RPC as clients do.</summary>
internal static class ProcessChat
{
    /// <summary>Arguments every chat server process of these tests gets: fast password hashing, no send rate limit.</summary>
    public static readonly string[] Arguments = ["--Atom:Identity:PasswordIterations=1000", "--Atom:Chat:SendBurst=100000", "--Atom:Chat:SendsPerSecond=100000"];

    public static async Task<(User User, string Token)> SignedInUserAsync(ServerProcess node, string email)
    {
        var user = (await new UserServiceClient(node.Channel()).CreateUserAsync(new CreateUserRequest { Email = email, Password = IdentityApiServer.Password, Tenant = "default" })).User;
        var signIn = await new AuthServiceClient(node.Channel(null)).SignInAsync(new SignInRequest { Tenant = "default", Email = email, Password = IdentityApiServer.Password });
        return (user, signIn.Tokens.AccessToken);
    }

    /// <summary>A public room made over RPC by the holder of <paramref name="ownerToken"/>, with <paramref name="members"/>.</summary>
    public static async Task<string> CreateRoomAsync(ServerProcess node, string ownerToken, string name, params User[] members) =>
        (await new RoomServiceClient(node.Channel(ownerToken)).CreateRoomAsync(new CreateRoomRequest
        {
            Name = name,
            Visibility = RoomVisibility.Public,
            MemberIds = { members.Select(m => m.Id) },
        })).Room.Id;

    /// <summary>Every message of a room, newest first page by page, as ListMessages returns them.</summary>
    public static async Task<List<Message>> ListAllAsync(AtomChannel channel, string roomId)
    {
        var chat = new ChatServiceClient(channel);
        var all = new List<Message>();
        long before = 0;
        do
        {
            var page = await chat.ListMessagesAsync(new ListMessagesRequest { RoomId = roomId, PageSize = 500, BeforeSequence = before });
            all.AddRange(page.Messages);
            before = page.NextBeforeSequence;
        }
        while (before != 0);

        return all;
    }

    /// <summary>p-th percentile (0..100) of a sample, nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> sample, double p)
    {
        var sorted = sample.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>A Subscribe stream of one room, read in the background, each event stamped with when it arrived.</summary>
internal sealed class RoomWatcher : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly AsyncServerStreamingCall<SubscribeResponse> _call;
    private readonly Channel<(ChatEvent Event, long Timestamp)> _received = Channel.CreateUnbounded<(ChatEvent, long)>();
    private readonly Task _reader;

    private RoomWatcher(AtomChannel channel, string roomId, long after)
    {
        RoomId = roomId;
        _call = new ChatServiceClient(channel).Subscribe(new SubscribeRequest { Rooms = { new RoomCursor { RoomId = roomId, AfterSequence = after } } });
        _reader = Task.Run(ReadAsync);
    }

    public string RoomId { get; }

    /// <summary>Gets the sequence the catch-up ended at.</summary>
    public long CaughtUp { get; private set; }

    /// <summary>Gets the room events the catch-up delivered.</summary>
    public List<RoomEvent> History { get; } = [];

    /// <summary>Subscribes and waits for the catch-up to end.</summary>
    public static async Task<RoomWatcher> StartAsync(AtomChannel channel, string roomId, long after = 0)
    {
        var watcher = new RoomWatcher(channel, roomId, after);
        while (true)
        {
            var (next, _) = await watcher.NextAsync();
            if (next.CaughtUp is { } caughtUp)
            {
                watcher.CaughtUp = caughtUp.Sequence;
                return watcher;
            }

            if (next.RoomEvent is { } roomEvent)
            {
                watcher.History.Add(roomEvent);
            }
        }
    }

    /// <summary>The next event of any kind.</summary>
    public async Task<(ChatEvent Event, long Timestamp)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event on the subscription of room {RoomId} within {Patience}.");
        }
    }

    /// <summary>The next <paramref name="count"/> room events (other kinds skipped), with their arrival times.</summary>
    public async Task<List<(RoomEvent Event, long Timestamp)>> RoomEventsAsync(int count)
    {
        var events = new List<(RoomEvent, long)>();
        while (events.Count < count)
        {
            var (next, at) = await NextAsync();
            if (next.RoomEvent is { } roomEvent)
            {
                events.Add((roomEvent, at));
            }
        }

        return events;
    }

    /// <summary>The next event of the given kind; others are skipped.</summary>
    public async Task<ChatEvent> NextAsync(ChatEvent.KindOneofCase kind)
    {
        while (true)
        {
            var (next, _) = await NextAsync();
            if (next.KindCase == kind)
            {
                return next;
            }
        }
    }

    /// <summary>What arrived and has not been read, without waiting.</summary>
    public List<ChatEvent> Drain()
    {
        var all = new List<ChatEvent>();
        while (_received.Reader.TryRead(out var item))
        {
            all.Add(item.Event);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
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
                await _received.Writer.WriteAsync((_call.ResponseStream.Current.Event, Stopwatch.GetTimestamp()));
            }
        }
        catch (RpcException)
        {
            // Disposed, or the server went away: the reader of the queue finds out by waiting in vain.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
