using Atom.Server.Chat;
using Atom.Server.Tests.Storage;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;
using RoomVisibility = Atom.V1.RoomVisibility;

namespace Atom.Server.Tests.Chat.Stores;

/// <summary>Messages and the room event log: sequencing, idempotent posts, edits, tombstones, reactions, pins, threads, receipts, catch-up.</summary>
public sealed class MessageStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Posts_take_sequences_1_2_3_and_the_log_replays_them(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Public, null, "bob");
        var other = await context.CreateRoomAsync("other");

        var posted = (await context.Messages.PostAsync(context.A.Id, room.Id,
            new NewMessage("alice", "hello **world**", [new Attachment("f1", "plan.pdf")], ["bob"], RequestId: "r1"), Events.Posted))!;
        var message = posted.Value;
        Assert.Equal((1L, "alice", "hello **world**", "r1", context.Clock.Now), (message.Sequence, message.SenderId, message.Text, message.RequestId, message.CreatedAt));
        Assert.Equal([new Attachment("f1", "plan.pdf")], message.Attachments);
        Assert.Equal(["bob"], message.MentionIds);
        Assert.Equal((1L, RoomEventKind.MessagePosted, "alice", message.Id, context.Clock.Now), (posted.Event!.Sequence, posted.Event.Kind, posted.Event.ActorId, posted.Event.MessageId, posted.Event.CreatedAt));
        Assert.Equal(2, (await context.PostAsync(room, "bob", "hi")).Sequence);
        Assert.Equal(3, (await context.PostAsync(room, "alice", "how are you?")).Sequence);
        Assert.Equal(1, (await context.PostAsync(other, "alice", "a room of its own")).Sequence);

        var stored = (await context.Messages.GetAsync(context.A.Id, room.Id, message.Id))!;
        Assert.Equal(message with { Attachments = stored.Attachments, MentionIds = stored.MentionIds, Reactions = stored.Reactions }, stored);
        Assert.Equal(message.Attachments, stored.Attachments);
        Assert.Null(await context.Messages.GetAsync(context.A.Id, other.Id, message.Id)); // a message is found only in its room
        Assert.Null(await context.Messages.PostAsync(context.A.Id, "no-room", new NewMessage("alice", "x", [], []), Events.Posted));

        var events = await context.EventsAsync(room);
        Assert.Equal([1L, 2, 3], events.Select(e => e.Sequence));
        var replayed = Events.Parse(events[0]);
        Assert.Equal((room.Id, 1L, "alice"), (replayed.RoomId, replayed.Sequence, replayed.ActorId));
        Assert.Equal((message.Id, "hello **world**", "plan.pdf"), (replayed.MessagePosted.Id, replayed.MessagePosted.Text, replayed.MessagePosted.Attachments[0].Name));
        Assert.Equal(3L, await context.Log.LastSequenceAsync(context.A.Id, room.Id));
        Assert.Equal(3, (await context.Rooms.GetAsync(context.A.Id, room.Id))!.LastSequence);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Reading_the_log_after_a_sequence_returns_exactly_the_later_events_in_order(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var room = await context.CreateRoomAsync("general");
        var first = await context.PostAsync(room, "alice", "one");
        for (var i = 2; i <= 10; i++)
        {
            await context.PostAsync(room, "alice", "message " + i);
        }

        await context.Messages.EditAsync(context.A.Id, room.Id, first.Id, "alice", "one, edited", Events.Edited);
        await context.Messages.AddReactionAsync(context.A.Id, room.Id, first.Id, "bob", "🎉", Events.Reactions);
        await context.Messages.PinAsync(context.A.Id, room.Id, first.Id, "alice", Events.Pin);
        await context.Messages.DeleteAsync(context.A.Id, room.Id, first.Id, "alice", Events.Deleted);

        var after7 = await context.EventsAsync(room, 7);
        Assert.Equal([8L, 9, 10, 11, 12, 13, 14], after7.Select(e => e.Sequence));
        Assert.Equal(
            [RoomEventKind.MessagePosted, RoomEventKind.MessagePosted, RoomEventKind.MessagePosted, RoomEventKind.MessageEdited, RoomEventKind.ReactionsChanged, RoomEventKind.PinChanged, RoomEventKind.MessageDeleted],
            after7.Select(e => e.Kind));
        Assert.All(after7, e => Assert.Equal((e.Sequence, e.Kind), (Events.Parse(e).Sequence, Events.Parse(e).KindCase)));
        Assert.All(after7.Skip(3), e => Assert.Equal(first.Id, e.MessageId));

        Assert.Equal([3L, 4, 5], (await context.Log.ReadAsync(context.A.Id, room.Id, 2, 3)).Select(e => e.Sequence));
        Assert.Empty(await context.EventsAsync(room, 14));
        Assert.Empty(await context.EventsAsync(room, 99));
        Assert.Equal(14, (await context.EventsAsync(room)).Count);
        Assert.Empty(await context.Log.ReadAsync(context.A.Id, "no-room", 0, 10));
        Assert.Null(await context.Log.LastSequenceAsync(context.A.Id, "no-room"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Log.ReadAsync(context.A.Id, room.Id, 0, 0));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_retried_post_is_stored_once_and_takes_no_sequence(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var room = await context.CreateRoomAsync("general");
        var first = (await context.Messages.PostAsync(context.A.Id, room.Id, new NewMessage("alice", "once", [], [], RequestId: "req-1"), Events.Posted))!;
        await context.PostAsync(room, "bob", "in between");

        context.Clock.Advance(TimeSpan.FromSeconds(30));
        var retried = (await context.Messages.PostAsync(context.A.Id, room.Id, new NewMessage("alice", "once (retried)", [], [], RequestId: "req-1"), Events.Posted))!;
        Assert.False(retried.Appended);
        Assert.Equal(first.Value, retried.Value with { Attachments = first.Value.Attachments, MentionIds = first.Value.MentionIds, Reactions = first.Value.Reactions });
        Assert.Equal((first.Value.Id, 1L, "once"), (retried.Value.Id, retried.Value.Sequence, retried.Value.Text));
        Assert.Equal(2L, await context.Log.LastSequenceAsync(context.A.Id, room.Id));

        // The key is the sender's, in the room: another sender or room with the same request id posts anew.
        Assert.Equal(3, (await context.PostAsync(room, "bob", "mine", requestId: "req-1")).Sequence);
        var elsewhere = await context.CreateRoomAsync("elsewhere");
        Assert.Equal(1, (await context.PostAsync(elsewhere, "alice", "there", requestId: "req-1")).Sequence);

        // Without a request id every post is new.
        Assert.NotEqual((await context.PostAsync(room, "alice", "same")).Id, (await context.PostAsync(room, "alice", "same")).Id);

        // A retry is answered even after the room was archived.
        await context.Rooms.ArchiveAsync(context.A.Id, room.Id, "alice", Events.RoomUpdated);
        Assert.Equal(first.Value.Id, (await context.PostAsync(room, "alice", "once", requestId: "req-1")).Id);
        Assert.Equal([1L, 2, 3, 4, 5, 6], (await context.EventsAsync(room)).Select(e => e.Sequence));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Edits_keep_the_earlier_versions_oldest_first(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var message = await context.PostAsync(room, "alice", "v1");
        var t1 = context.Clock.Now.AddMinutes(1);
        context.Clock.Now = t1;
        var edited = (await context.Messages.EditAsync(a, room.Id, message.Id, "alice", "v2", Events.Edited))!;
        Assert.Equal(("v2", t1, 1L, 2L), (edited.Value.Text, edited.Value.EditedAt, edited.Value.Sequence, edited.Event!.Sequence));
        Assert.Equal("v2", Events.Parse(edited.Event).MessageEdited.Text);
        context.Clock.Advance(TimeSpan.FromMinutes(1));
        await context.Messages.EditAsync(a, room.Id, message.Id, "moderator", "v3", Events.Edited);
        Assert.False((await context.Messages.EditAsync(a, room.Id, message.Id, "alice", "v3", Events.Edited))!.Appended); // same text

        Assert.Equal([new MessageEdit("v1", t1, "alice"), new MessageEdit("v2", t1.AddMinutes(1), "moderator")], await context.Messages.ListEditsAsync(a, room.Id, message.Id));
        Assert.Equal("v3", (await context.Messages.GetAsync(a, room.Id, message.Id))!.Text);
        Assert.Null(await context.Messages.EditAsync(a, room.Id, "no-message", "alice", "x", Events.Edited));
        var other = await context.CreateRoomAsync("other");
        Assert.Null(await context.Messages.EditAsync(a, other.Id, message.Id, "alice", "x", Events.Edited)); // not in that room
        Assert.Empty(await context.Messages.ListEditsAsync(a, other.Id, message.Id));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Deleting_leaves_a_tombstone_and_clears_its_content_and_history(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var message = (await context.Messages.PostAsync(a, room.Id, new NewMessage("alice", "secret", [new Attachment("f", "f.txt")], ["bob"]), Events.Posted))!.Value;
        var reply = await context.PostAsync(room, "bob", "reply", replyToId: message.Id);
        await context.Messages.EditAsync(a, room.Id, message.Id, "alice", "secret 2", Events.Edited);
        await context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":eyes:", Events.Reactions);
        await context.Messages.PinAsync(a, room.Id, message.Id, "alice", Events.Pin);
        var note = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 0, 6, "hmm"))!;

        context.Clock.Advance(TimeSpan.FromMinutes(1));
        var deleted = (await context.Messages.DeleteAsync(a, room.Id, message.Id, "moderator", Events.Deleted))!;
        var tombstone = deleted.Value;
        Assert.Equal((message.Id, 1L, "alice", string.Empty, context.Clock.Now), (tombstone.Id, tombstone.Sequence, tombstone.SenderId, tombstone.Text, tombstone.DeletedAt));
        Assert.True(tombstone.IsDeleted);
        Assert.Empty(tombstone.Attachments);
        Assert.Empty(tombstone.MentionIds);
        Assert.Empty(tombstone.Reactions);
        Assert.False(tombstone.IsPinned);
        Assert.Equal((6L, "moderator"), (deleted.Event!.Sequence, deleted.Event.ActorId));
        Assert.Equal(string.Empty, Events.Parse(deleted.Event).MessageDeleted.Text);

        Assert.Empty(await context.Messages.ListEditsAsync(a, room.Id, message.Id));
        Assert.Empty(await context.Messages.ListPinnedAsync(a, room.Id));
        Assert.Null(await context.Annotations.GetAsync(a, room.Id, note.Id));
        var read = (await context.Messages.GetAsync(a, room.Id, message.Id))!;
        Assert.Equal((string.Empty, tombstone.DeletedAt, 0, 0), (read.Text, read.DeletedAt, read.Attachments.Count, read.Reactions.Count));
        Assert.Equal(message.Id, (await context.Messages.GetAsync(a, room.Id, reply.Id))!.ReplyToId); // the thread keeps its shape

        Assert.False((await context.Messages.DeleteAsync(a, room.Id, message.Id, "moderator", Events.Deleted))!.Appended);
        await Assert.ThrowsAsync<MessageDeletedException>(() => context.Messages.EditAsync(a, room.Id, message.Id, "alice", "back", Events.Edited));
        await Assert.ThrowsAsync<MessageDeletedException>(() => context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions));
        await Assert.ThrowsAsync<MessageDeletedException>(() => context.Messages.PinAsync(a, room.Id, message.Id, "alice", Events.Pin));
        await Assert.ThrowsAsync<MessageDeletedException>(() => context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 0, 0, "x"));
        Assert.Equal(6L, await context.Log.LastSequenceAsync(a, room.Id)); // refusals take no sequence
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Reactions_are_summarised_per_emoji_in_the_order_they_came(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var message = await context.PostAsync(room, "alice", "ship it?");

        await context.Messages.AddReactionAsync(a, room.Id, message.Id, "carol", ":+1:", Events.Reactions);
        await context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", "🚀", Events.Reactions);
        await context.Messages.AddReactionAsync(a, room.Id, message.Id, "alice", ":+1:", Events.Reactions);
        var last = (await context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions))!;
        Assert.Equal([(":+1:", 3, "carol,alice,bob"), ("🚀", 1, "bob")], last.Value.Reactions.Select(r => (r.Emoji, r.Count, string.Join(',', r.UserIds))));
        var broadcast = Events.Parse(last.Event!).ReactionsChanged;
        Assert.Equal(3, broadcast.Reactions[0].Count);

        Assert.False((await context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions))!.Appended);
        var removed = (await context.Messages.RemoveReactionAsync(a, room.Id, message.Id, "carol", ":+1:", Events.Reactions))!;
        // An emoji's place is its earliest reaction still there: carol's went, so alice's (after bob's rocket) decides.
        Assert.Equal([("🚀", "bob"), (":+1:", "alice,bob")], removed.Value.Reactions.Select(r => (r.Emoji, string.Join(',', r.UserIds))));
        Assert.False((await context.Messages.RemoveReactionAsync(a, room.Id, message.Id, "carol", ":+1:", Events.Reactions))!.Appended);
        await context.Messages.RemoveReactionAsync(a, room.Id, message.Id, "bob", "🚀", Events.Reactions);
        Assert.Equal([":+1:"], (await context.Messages.GetAsync(a, room.Id, message.Id))!.Reactions.Select(r => r.Emoji));
        Assert.Null(await context.Messages.AddReactionAsync(a, room.Id, "no-message", "bob", ":+1:", Events.Reactions));
        Assert.Equal(7L, await context.Log.LastSequenceAsync(a, room.Id));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Pins_list_most_recently_pinned_first(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var one = await context.PostAsync(room, "alice", "one");
        var two = await context.PostAsync(room, "alice", "two");
        var three = await context.PostAsync(room, "alice", "three");

        await context.Messages.PinAsync(a, room.Id, two.Id, "alice", Events.Pin);
        var pinned = (await context.Messages.PinAsync(a, room.Id, one.Id, "alice", Events.Pin))!;
        Assert.Equal((true, context.Clock.Now, 5L), (pinned.Value.IsPinned, pinned.Value.PinnedAt, pinned.Event!.Sequence));
        Assert.True(Events.Parse(pinned.Event).PinChanged.Pinned);
        await context.Messages.PinAsync(a, room.Id, three.Id, "alice", Events.Pin);
        Assert.False((await context.Messages.PinAsync(a, room.Id, one.Id, "alice", Events.Pin))!.Appended);
        Assert.Equal([three.Id, one.Id, two.Id], (await context.Messages.ListPinnedAsync(a, room.Id)).Select(m => m.Id));

        var unpinned = (await context.Messages.UnpinAsync(a, room.Id, three.Id, "alice", Events.Pin))!;
        Assert.False(unpinned.Value.IsPinned);
        Assert.False(Events.Parse(unpinned.Event!).PinChanged.Pinned);
        Assert.False((await context.Messages.UnpinAsync(a, room.Id, three.Id, "alice", Events.Pin))!.Appended);
        await context.Messages.PinAsync(a, room.Id, three.Id, "alice", Events.Pin); // again: now the newest pin
        await context.Messages.UnpinAsync(a, room.Id, two.Id, "alice", Events.Pin);
        Assert.Equal([three.Id, one.Id], (await context.Messages.ListPinnedAsync(a, room.Id)).Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task History_pages_newest_first_and_threads_list_their_replies(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var top = await context.PostAsync(room, "alice", "top");
        var ids = new List<string> { top.Id };
        for (var i = 2; i <= 7; i++)
        {
            ids.Add((await context.PostAsync(room, "bob", "m" + i, replyToId: i % 2 == 0 ? top.Id : null)).Id);
        }

        var page = await context.Messages.ListAsync(a, room.Id, 0, 3);
        Assert.Equal([7L, 6, 5], page.Messages.Select(m => m.Sequence));
        Assert.Equal(5, page.NextBeforeSequence);
        page = await context.Messages.ListAsync(a, room.Id, page.NextBeforeSequence, 3);
        Assert.Equal([4L, 3, 2], page.Messages.Select(m => m.Sequence));
        page = await context.Messages.ListAsync(a, room.Id, page.NextBeforeSequence, 3);
        Assert.Equal([1L], page.Messages.Select(m => m.Sequence));
        Assert.Equal(0, page.NextBeforeSequence);
        Assert.Equal(7, (await context.Messages.ListAsync(a, room.Id, 0, 0)).Messages.Count); // default page size

        var thread = await context.Messages.ListAsync(a, room.Id, 0, 10, top.Id);
        Assert.Equal([ids[5], ids[3], ids[1]], thread.Messages.Select(m => m.Id));
        Assert.Equal(3, (await context.Messages.GetAsync(a, room.Id, top.Id))!.ReplyCount);
        await context.Messages.DeleteAsync(a, room.Id, ids[3], "bob", Events.Deleted);
        Assert.Equal(2, (await context.Messages.GetAsync(a, room.Id, top.Id))!.ReplyCount); // deleted replies are not counted
        Assert.Equal(3, (await context.Messages.ListAsync(a, room.Id, 0, 10, top.Id)).Messages.Count); // but their tombstones stay in the thread
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Read_receipts_never_move_backwards(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Public, null, "bob", "carol");
        for (var i = 0; i < 5; i++)
        {
            await context.PostAsync(room, "alice", "m" + i);
        }

        var t0 = context.Clock.Now;
        Assert.Equal(new ReadReceipt(room.Id, "bob", 3, t0), await context.Messages.MarkReadAsync(a, room.Id, "bob", 3));
        context.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new ReadReceipt(room.Id, "bob", 3, t0), await context.Messages.MarkReadAsync(a, room.Id, "bob", 2)); // backwards: unchanged
        Assert.Equal(new ReadReceipt(room.Id, "bob", 5, context.Clock.Now), await context.Messages.MarkReadAsync(a, room.Id, "bob", 99)); // capped at the latest event
        Assert.Equal(new ReadReceipt(room.Id, "carol", 0, null), await context.Messages.MarkReadAsync(a, room.Id, "carol", 0));
        Assert.Null(await context.Messages.MarkReadAsync(a, room.Id, "mallory", 1)); // not a member
        Assert.Null(await context.Messages.MarkReadAsync(a, "no-room", "bob", 1));
        await context.Messages.MarkReadAsync(a, room.Id, "alice", 4);

        Assert.Equal([("alice", 4L), ("bob", 5L)], (await context.Messages.ListReceiptsAsync(a, room.Id)).Select(r => (r.UserId, r.Sequence)));
        Assert.Equal(5L, (await context.Rooms.GetMemberAsync(a, room.Id, "bob"))!.LastReadSequence);
        Assert.Equal(5L, await context.Log.LastSequenceAsync(a, room.Id)); // receipts are not room events
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Nothing_about_messages_changes_in_an_archived_room(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");
        var message = await context.PostAsync(room, "alice", "hello");
        await context.Rooms.ArchiveAsync(a, room.Id, "alice", Events.RoomUpdated);

        await Assert.ThrowsAsync<RoomArchivedException>(() => context.PostAsync(room, "alice", "more"));
        await Assert.ThrowsAsync<RoomArchivedException>(() => context.Messages.EditAsync(a, room.Id, message.Id, "alice", "changed", Events.Edited));
        await Assert.ThrowsAsync<RoomArchivedException>(() => context.Messages.DeleteAsync(a, room.Id, message.Id, "alice", Events.Deleted));
        await Assert.ThrowsAsync<RoomArchivedException>(() => context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions));
        await Assert.ThrowsAsync<RoomArchivedException>(() => context.Messages.PinAsync(a, room.Id, message.Id, "alice", Events.Pin));
        Assert.Equal(2L, await context.Log.LastSequenceAsync(a, room.Id));
        Assert.Equal("hello", (await context.Messages.GetAsync(a, room.Id, message.Id))!.Text); // still readable
    }
}
