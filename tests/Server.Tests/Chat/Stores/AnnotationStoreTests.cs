using Atom.Server.Chat;
using Atom.Server.Tests.Storage;

namespace Atom.Server.Tests.Chat.Stores;

/// <summary>Annotations: spans of a message with threads of comments, resolved and reopened, deleted.</summary>
public sealed class AnnotationStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Annotations_list_in_text_order_with_their_threads(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("review");
        var message = await context.PostAsync(room, "alice", "The quarterly numbers look wrong in table 3.");
        var other = await context.PostAsync(room, "alice", "unrelated");

        var late = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 35, 7, "which column?"))!;
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        var whole = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "carol", 0, 0, "agree"))!;
        var early = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 4, 9, "Q3 or Q4?"))!;
        await context.Annotations.CreateAsync(a, room.Id, other.Id, "bob", 0, 0, "elsewhere");
        Assert.Equal((room.Id, message.Id, "bob", 35, 7, "which column?", false), (late.RoomId, late.MessageId, late.AuthorId, late.Start, late.Length, late.Text, late.IsResolved));
        Assert.Empty(late.Comments);

        context.Clock.Advance(TimeSpan.FromSeconds(1));
        await context.Annotations.AddCommentAsync(a, room.Id, early.Id, "alice", "Q3");
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        var thread = (await context.Annotations.AddCommentAsync(a, room.Id, early.Id, "bob", "thanks"))!;
        Assert.Equal([("alice", "Q3"), ("bob", "thanks")], thread.Comments.Select(c => (c.AuthorId, c.Text)));
        Assert.Equal(context.Clock.Now, thread.Comments[1].CreatedAt);

        var listed = await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: false);
        Assert.Equal([whole.Id, early.Id, late.Id], listed.Select(x => x.Id));
        Assert.Equal(2, listed[1].Comments.Count);
        Assert.Equal(whole with { Comments = listed[0].Comments }, listed[0]);

        Assert.Null(await context.Annotations.CreateAsync(a, room.Id, "no-message", "bob", 0, 0, "x"));
        var elsewhere = await context.CreateRoomAsync("elsewhere");
        Assert.Null(await context.Annotations.CreateAsync(a, elsewhere.Id, message.Id, "bob", 0, 0, "x")); // not that room's message
        Assert.Null(await context.Annotations.AddCommentAsync(a, elsewhere.Id, early.Id, "bob", "x"));
        Assert.Null(await context.Annotations.GetAsync(a, elsewhere.Id, early.Id));
        Assert.Equal(2L, await context.Log.LastSequenceAsync(a, room.Id)); // annotations are not room events
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Annotations_resolve_reopen_and_delete_with_their_threads(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("review");
        var message = await context.PostAsync(room, "alice", "draft");
        var note = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 0, 5, "typo?"))!;
        await context.Annotations.AddCommentAsync(a, room.Id, note.Id, "alice", "fixed");

        var resolved = (await context.Annotations.SetResolvedAsync(a, room.Id, note.Id, true, "alice"))!;
        Assert.Equal((true, context.Clock.Now, "alice"), (resolved.IsResolved, resolved.ResolvedAt, resolved.ResolvedBy));
        context.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = (await context.Annotations.SetResolvedAsync(a, room.Id, note.Id, true, "bob"))!;
        Assert.Equal((resolved.ResolvedAt, "alice"), (again.ResolvedAt, again.ResolvedBy)); // the first resolution stands
        Assert.Empty(await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: false));
        Assert.Single(await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: true));

        var reopened = (await context.Annotations.SetResolvedAsync(a, room.Id, note.Id, false, "bob"))!;
        Assert.Equal((false, (string?)null), (reopened.IsResolved, reopened.ResolvedBy));
        Assert.Single(await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: false));
        Assert.Null(await context.Annotations.SetResolvedAsync(a, room.Id, "no-annotation", true, "bob"));

        Assert.True(await context.Annotations.DeleteAsync(a, room.Id, note.Id));
        Assert.False(await context.Annotations.DeleteAsync(a, room.Id, note.Id));
        Assert.Null(await context.Annotations.GetAsync(a, room.Id, note.Id));
        Assert.Null(await context.Annotations.AddCommentAsync(a, room.Id, note.Id, "bob", "late"));
        Assert.Empty(await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: true));
    }
}
