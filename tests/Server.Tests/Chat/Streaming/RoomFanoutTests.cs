using Atom.Server.Chat;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Tests.Chat.Api;
using V1 = Atom.V1;

namespace Atom.Server.Tests.Chat.Streaming;

/// <summary>
/// Live events that are published out of sequence order (concurrent sends finish in any order) reach subscriptions
/// in order without each of them reading the store, and an event that is never published only delays the ones after
/// it: the subscriptions fill the gap from the store once the reorder window passes. Real SQLite store throughout;
/// the event source only counts the reads it passes on.
/// </summary>
public sealed class RoomFanoutTests
{
    [Fact]
    public async Task Events_published_out_of_order_are_delivered_in_order_without_reading_the_store()
    {
        await using var fixture = await Fixture.CreateAsync(new ChatStreamOptions { ReorderWindow = TimeSpan.FromMinutes(5) });
        var (first, second, third) = (await fixture.PostAsync("one"), await fixture.PostAsync("two"), await fixture.PostAsync("three"));
        var readsBefore = fixture.Source.Reads;

        fixture.Fanout.Publish(fixture.TenantId, third);
        fixture.Fanout.Publish(fixture.TenantId, first);
        fixture.Fanout.Publish(fixture.TenantId, second);

        var delivered = await fixture.NextRoomEventsAsync(3);
        Assert.Equal([first.Sequence, second.Sequence, third.Sequence], delivered.Select(e => e.Sequence));
        Assert.Equal(["one", "two", "three"], delivered.Select(e => e.MessagePosted.Text));
        Assert.Equal(readsBefore, fixture.Source.Reads);
    }

    [Fact]
    public async Task An_event_never_published_delays_the_next_by_the_window_then_the_store_fills_the_gap()
    {
        var window = TimeSpan.FromMilliseconds(150);
        await using var fixture = await Fixture.CreateAsync(new ChatStreamOptions { ReorderWindow = window });
        var (lost, next) = (await fixture.PostAsync("committed, never published"), await fixture.PostAsync("after it"));
        var readsBefore = fixture.Source.Reads;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        fixture.Fanout.Publish(fixture.TenantId, next);
        var delivered = await fixture.NextRoomEventsAsync(2);

        Assert.True(clock.Elapsed >= window * 0.9, $"delivered after {clock.Elapsed.TotalMilliseconds} ms, before the {window.TotalMilliseconds} ms window");
        Assert.Equal([lost.Sequence, next.Sequence], delivered.Select(e => e.Sequence));
        Assert.Equal(readsBefore + 1, fixture.Source.Reads);

        // Published at last, it is a duplicate: nobody receives it twice.
        fixture.Fanout.Publish(fixture.TenantId, lost);
        var after = await fixture.PostAsync("live again");
        fixture.Fanout.Publish(fixture.TenantId, after);
        Assert.Equal([after.Sequence], (await fixture.NextRoomEventsAsync(1)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_full_reorder_buffer_is_delivered_at_once_rather_than_waiting_out_the_window()
    {
        await using var fixture = await Fixture.CreateAsync(new ChatStreamOptions { ReorderWindow = TimeSpan.FromMinutes(5), ReorderCapacity = 2 });
        var events = new List<V1.RoomEvent>();
        for (var i = 0; i < 3; i++)
        {
            events.Add(await fixture.PostAsync("m" + i));
        }

        fixture.Fanout.Publish(fixture.TenantId, events[2]);
        fixture.Fanout.Publish(fixture.TenantId, events[1]);

        var delivered = await fixture.NextRoomEventsAsync(3);
        Assert.Equal(events.Select(e => e.Sequence), delivered.Select(e => e.Sequence));
    }

    [Fact]
    public async Task The_last_subscription_leaving_a_room_forgets_its_order_and_a_new_one_starts_afresh()
    {
        await using var fixture = await Fixture.CreateAsync(new ChatStreamOptions { ReorderWindow = TimeSpan.FromMinutes(5) });
        var early = await fixture.PostAsync("early");
        fixture.Fanout.Publish(fixture.TenantId, early);
        await fixture.NextRoomEventsAsync(1);
        await fixture.Subscription.DisposeAsync();
        Assert.Equal(0, fixture.Fanout.SubscriberCount(fixture.TenantId, fixture.Room.Id));

        // Sequences the old route never saw: the new route takes the first it is given without waiting for a predecessor.
        var skipped = await fixture.PostAsync("while nobody listened");
        await using var again = await fixture.SubscribeAsync(skipped.Sequence);
        var later = await fixture.PostAsync("later");
        fixture.Fanout.Publish(fixture.TenantId, later);
        Assert.Equal([later.Sequence], (await Fixture.NextRoomEventsAsync(again, 1)).Select(e => e.Sequence));
    }

    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(ChatTestContext context, ChatStreamOptions options, Room room)
        {
            Context = context;
            Options = options;
            Room = room;
            Source = new CountingSource(new StoredRoomEventSource(context.Log));
            Fanout = new RoomFanout(options, TimeProvider.System);
        }

        public ChatTestContext Context { get; }

        public ChatStreamOptions Options { get; }

        public Room Room { get; }

        public CountingSource Source { get; }

        public RoomFanout Fanout { get; }

        public ChatSubscription Subscription { get; private set; } = null!;

        public string TenantId => Room.TenantId;

        public static async Task<Fixture> CreateAsync(ChatStreamOptions options)
        {
            var context = await ChatTestContext.CreateAsync("sqlite");
            var room = await context.CreateRoomAsync("ordered");
            var fixture = new Fixture(context, options, room);
            fixture.Subscription = await fixture.SubscribeAsync(await context.Log.LastSequenceAsync(room.TenantId, room.Id) ?? 0);
            return fixture;
        }

        /// <summary>A subscription that has joined the room and read the join's catch-up.</summary>
        public async Task<ChatSubscription> SubscribeAsync(long after)
        {
            var subscription = new ChatSubscription(Fanout, Source, Options, Room.TenantId, "alice");
            subscription.Join(Room.Id, after);
            Assert.Equal(V1.ChatEvent.KindOneofCase.CaughtUp, Assert.Single(await subscription.TakeAsync(1)).KindCase);
            return subscription;
        }

        public async Task<V1.RoomEvent> PostAsync(string text)
        {
            var change = await Context.Messages.PostAsync(TenantId, Room.Id, new NewMessage("alice", text, [], [], null, ""), Events.Posted);
            return Events.Parse(change!.Event!);
        }

        public Task<List<V1.RoomEvent>> NextRoomEventsAsync(int count) => NextRoomEventsAsync(Subscription, count);

        public static async Task<List<V1.RoomEvent>> NextRoomEventsAsync(ChatSubscription subscription, int count)
        {
            var events = await subscription.TakeAsync(count, TimeSpan.FromSeconds(30));
            Assert.Equal(count, events.Count);
            return [.. events.Select(e => e.RoomEvent ?? throw new Xunit.Sdk.XunitException($"expected a room event, got {e}"))];
        }

        public async ValueTask DisposeAsync()
        {
            await Subscription.DisposeAsync();
            await Context.DisposeAsync();
        }
    }

    /// <summary>The real store's event source, counting the reads that reach it.</summary>
    private sealed class CountingSource(IRoomEventSource inner) : IRoomEventSource
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<IReadOnlyList<V1.RoomEvent>> ReadAfterAsync(string tenantId, string roomId, long afterSequence, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.ReadAfterAsync(tenantId, roomId, afterSequence, limit, cancellationToken);
        }

        public Task<long?> LastSequenceAsync(string tenantId, string roomId, CancellationToken cancellationToken) =>
            inner.LastSequenceAsync(tenantId, roomId, cancellationToken);
    }
}
