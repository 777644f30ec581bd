using System.Diagnostics;
using Atom.Server.Chat;
using Atom.Server.Chat.Stores;
using Atom.Server.Tests.Storage;
using Xunit.Abstractions;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Tests.Chat.Stores;

/// <summary>
/// The key guarantee under load: concurrent writers to one room leave a log numbered exactly 1..N, with no gap and
/// no duplicate, and the room's counter at N. The figures printed are for information, never asserted.
/// </summary>
public sealed class SequenceConcurrencyTests(ITestOutputHelper output)
{
    private const int Writers = 8;
    private const int ChangesPerWriter = 25;

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Parallel_posts_edits_and_reactions_leave_a_gap_free_log(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("busy");
        await WarmUpAsync(context);

        var clock = Stopwatch.StartNew();
        var writers = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var user = "writer" + w;
            var random = new Random(w);
            var mine = new List<string>();
            var sequences = new List<long>();
            var posts = 0;
            for (var i = 0; i < ChangesPerWriter; i++)
            {
                RoomChange<StoredMessage>? change;
                if (mine.Count == 0 || i % 3 == 0)
                {
                    change = await context.Messages.PostAsync(a, room.Id, new NewMessage(user, $"{user} says {i}", [], [], RequestId: $"{user}-{i}"), Events.Posted);
                    mine.Add(change!.Value.Id);
                    posts++;
                }
                else if (i % 3 == 1)
                {
                    change = await context.Messages.EditAsync(a, room.Id, mine[random.Next(mine.Count)], user, $"{user} edits at {i}", Events.Edited);
                }
                else
                {
                    change = await context.Messages.AddReactionAsync(a, room.Id, mine[random.Next(mine.Count)], user, $":e{i}:", Events.Reactions);
                }

                sequences.Add(change!.Event!.Sequence);
            }

            return (Sequences: sequences, Posts: posts);
        })));
        clock.Stop();

        const int N = Writers * ChangesPerWriter;
        var events = await context.Log.ReadAsync(a, room.Id, 0, RoomEventLog.MaxReadLimit);
        Assert.Equal(Enumerable.Range(1, N).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(N, await context.Log.LastSequenceAsync(a, room.Id));
        Assert.Equal(N, (await context.Rooms.GetAsync(a, room.Id))!.LastSequence);

        // Every call was answered with its own event, each writer's in increasing order, and the payloads agree.
        Assert.Equal(events.Select(e => e.Sequence), writers.SelectMany(w => w.Sequences).Order());
        Assert.All(writers, w => Assert.Equal(w.Sequences.Order(), w.Sequences));
        Assert.All(events, e => Assert.Equal((e.Sequence, e.Kind), (Events.Parse(e).Sequence, Events.Parse(e).KindCase)));

        // Each message carries the sequence of its own message_posted event.
        var postedAt = events.Where(e => e.Kind == RoomEventKind.MessagePosted).ToDictionary(e => e.MessageId!, e => e.Sequence);
        var messages = (await context.Messages.ListAsync(a, room.Id, 0, 500)).Messages;
        Assert.Equal(writers.Sum(w => w.Posts), messages.Count);
        Assert.All(messages, m => Assert.Equal(postedAt[m.Id], m.Sequence));

        output.WriteLine($"{provider}: {N} changes ({writers.Sum(w => w.Posts)} posts) by {Writers} concurrent writers to one room in {clock.ElapsedMilliseconds} ms: {N / clock.Elapsed.TotalSeconds:F0} changes/s");
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Parallel_posts_to_one_room_are_numbered_without_gaps(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("posts");
        await WarmUpAsync(context);

        var clock = Stopwatch.StartNew();
        var sequences = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < ChangesPerWriter; i++)
            {
                mine.Add((await context.PostAsync(room, "writer" + w, "message " + i)).Sequence);
            }

            return mine;
        })));
        clock.Stop();

        const int N = Writers * ChangesPerWriter;
        Assert.Equal(Enumerable.Range(1, N).Select(i => (long)i), sequences.SelectMany(s => s).Order());
        Assert.Equal(Enumerable.Range(1, N).Select(i => (long)i), (await context.EventsAsync(room)).Select(e => e.Sequence));
        output.WriteLine($"{provider}: {N} posts by {Writers} concurrent writers to one room in {clock.ElapsedMilliseconds} ms: {N / clock.Elapsed.TotalSeconds:F0} posts/s");
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_same_send_retried_in_parallel_is_stored_once(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("retries");
        await context.PostAsync(room, "bob", "before");

        var answers = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
            context.Messages.PostAsync(a, room.Id, new NewMessage("alice", "flaky network", [], [], RequestId: "same"), Events.Posted))));

        Assert.Single(answers.Select(x => x!.Value.Id).Distinct());
        Assert.All(answers, x => Assert.Equal(2, x!.Value.Sequence));
        Assert.Single(answers, x => x!.Appended);
        Assert.Equal([1L, 2], (await context.EventsAsync(room)).Select(e => e.Sequence));
        Assert.Equal(2L, await context.Log.LastSequenceAsync(a, room.Id));
    }

    /// <summary>
    /// Opens the pool's connections and warms their caches in another room, so the figures measure the steady state of
    /// one busy room rather than a fresh database's first queries.
    /// </summary>
    private static async Task WarmUpAsync(ChatTestContext context)
    {
        var warm = await context.CreateRoomAsync("warm-up");
        var first = await context.PostAsync(warm, "warmer", "first");
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var message = await context.PostAsync(warm, "warmer" + w, "warm");
            await context.Messages.EditAsync(context.A.Id, warm.Id, message.Id, "warmer" + w, "warmer", Events.Edited);
            await context.Messages.AddReactionAsync(context.A.Id, warm.Id, first.Id, "warmer" + w, ":fire:", Events.Reactions);
        })));
    }
}
