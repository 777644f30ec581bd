using Atom.Sdk;
using Atom.Server.Tests.Identity.Api;
using Atom.V1;
using static Atom.Server.Tests.Chat.Api.Expect;
using Annotation = Atom.V1.Annotation;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>
/// AnnotationService on a real server: spans counted in code points, threads, resolving and deleting by author or
/// moderator, viewers reading but not writing, tombstones and archived rooms refusing new notes, and privacy.
/// </summary>
public sealed class AnnotationApiTests(RoomsServer server) : IClassFixture<RoomsServer>
{
    // 15 code points, 17 UTF-16 units: the wave and the rocket are each one character and two units.
    private const string Text = "héllo 👋 world 🚀";

    [Fact]
    public async Task Spans_are_counted_in_code_points_and_must_lie_within_the_text()
    {
        var (team, room, message) = await RoomWithMessageAsync();
        var ann = team["ann"];

        CreateAnnotationRequest Span(int start, int length, string text = "note") =>
            new() { RoomId = room.Id, MessageId = message.Id, Start = start, Length = length, Text = text };

        var wave = (await ann.Annotations.CreateAnnotationAsync(Span(6, 1, "a wave"))).Annotation;
        var tail = (await ann.Annotations.CreateAnnotationAsync(Span(8, 7, "to the end, the rocket included"))).Annotation;
        var whole = (await ann.Annotations.CreateAnnotationAsync(Span(0, 0, "the whole message"))).Annotation;

        Assert.Equal((room.Id, message.Id, ann.Id, 6, 1, "a wave", false), (wave.RoomId, wave.MessageId, wave.AuthorId, wave.Start, wave.Length, wave.Text, wave.Resolved));
        Assert.Empty(wave.Comments);
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(8, 8)), "length");  // one past the end in code points (fits in UTF-16 units)
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(15, 1)), "start");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(3, 0)), "start");   // length 0 is the whole message, from 0
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(-1, 1)), "start");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, -1)), "length");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, int.MaxValue)), "length");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, 0, "")), "text");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, 0, " \n ")), "text");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, 0, new string('x', 4001))), "text");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(Span(0, 0, "esc\u001b")), "text");
        await InvalidFieldAsync(ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, Text = "x" }), "message_id");
        var longest = (await ann.Annotations.CreateAnnotationAsync(Span(0, 0, string.Concat(Enumerable.Repeat("🚀", 4000))))).Annotation; // 4,000 characters, 8,000 units

        // In text order: by start, then as made.
        Assert.Equal([whole.Id, longest.Id, wave.Id, tail.Id], (await ListAsync(ann, room.Id, message.Id)).Select(a => a.Id));
    }

    [Fact]
    public async Task Members_write_viewers_only_read_and_non_members_of_a_private_room_see_nothing()
    {
        var (team, room, message) = await RoomWithMessageAsync(RoomVisibility.Private);
        var (ann, vic, eve) = (team["ann"], team["vic"], team["eve"]);
        var note = (await ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "mine" })).Annotation;

        Assert.Equal([note], await ListAsync(vic, room.Id, message.Id));
        await DeniedAsync(vic.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "viewer's" }), "member");
        await DeniedAsync(vic.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "viewer's" }), "member");
        await DeniedAsync(vic.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true }), "member");

        await NotFoundAsync(eve.Annotations.ListAnnotationsAsync(new ListAnnotationsRequest { RoomId = room.Id, MessageId = message.Id }));
        await NotFoundAsync(eve.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "outsider" }));
        await NotFoundAsync(eve.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "outsider" }));
        await NotFoundAsync(eve.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id }));
        await NotFoundAsync(ann.Annotations.ListAnnotationsAsync(new ListAnnotationsRequest { RoomId = room.Id, MessageId = Refusals.NeverIssuedId() }));
        await NotFoundAsync(ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = Refusals.NeverIssuedId(), Text = "x" }));
        Assert.Equal([note], await ListAsync(ann, room.Id, message.Id));
    }

    [Fact]
    public async Task In_a_public_room_anyone_reads_annotations_and_only_members_write_them()
    {
        var (team, room, message) = await RoomWithMessageAsync();
        var eve = team["eve"];
        var note = (await team["ann"].Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "open" })).Annotation;

        Assert.Equal([note], await ListAsync(eve, room.Id, message.Id));
        await DeniedAsync(eve.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "passer-by" }), "member");
    }

    [Fact]
    public async Task Threads_grow_oldest_first_and_annotations_are_resolved_and_deleted_by_their_author_or_a_moderator()
    {
        var (team, room, message) = await RoomWithMessageAsync();
        var (ann, bob, cat, mod) = (team["ann"], team["bob"], team["cat"], team["mod"]);
        var note = (await bob.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Start = 0, Length = 5, Text = "greeting?" })).Annotation;
        var other = (await bob.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "second" })).Annotation;

        await ann.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "yes, a greeting" });
        var thread = (await bob.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "thanks" })).Annotation;
        Assert.Equal([(ann.Id, "yes, a greeting"), (bob.Id, "thanks")], thread.Comments.Select(c => (c.AuthorId, c.Text)));
        await InvalidFieldAsync(ann.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "" }), "text");
        await NotFoundAsync(ann.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = Refusals.NeverIssuedId(), Text = "x" }));

        // Someone else's: a member may not resolve or delete it; a moderator may.
        await DeniedAsync(cat.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true }), "moderator");
        await DeniedAsync(cat.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id }), "moderator");
        var resolved = (await bob.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true })).Annotation;
        Assert.True(resolved.Resolved);
        Assert.Equal([other.Id], (await ListAsync(ann, room.Id, message.Id)).Select(a => a.Id));
        Assert.Equal([note.Id, other.Id], (await ListAsync(ann, room.Id, message.Id, includeResolved: true)).Select(a => a.Id));
        var reopened = (await mod.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = false })).Annotation;
        Assert.False(reopened.Resolved);
        Assert.Equal(2, reopened.Comments.Count);

        await mod.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id });
        await bob.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = other.Id });
        Assert.Empty(await ListAsync(ann, room.Id, message.Id, includeResolved: true));
        await NotFoundAsync(bob.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = other.Id }));
        await NotFoundAsync(bob.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "gone?" }));
        // Annotations are working notes, not room events: the log holds the setup's two adds and the post, nothing more.
        Assert.Equal([RoomEvent.KindOneofCase.MembershipChanged, RoomEvent.KindOneofCase.MembershipChanged, RoomEvent.KindOneofCase.MessagePosted],
            (await team.EventsAsync(room.Id)).Select(e => e.KindCase));
    }

    [Fact]
    public async Task A_deleted_message_takes_no_annotations_and_an_archived_room_takes_no_changes_to_them()
    {
        var (team, room, message) = await RoomWithMessageAsync();
        var ann = team["ann"];
        var note = (await ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "kept while archived" })).Annotation;
        var doomed = await team.PostAsync(room.Id, ann, "soon gone");
        await ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = doomed.Id, Text = "goes with it" });
        await team.DeleteMessageAsync(room.Id, doomed.Id, ann);

        await FailedPreconditionAsync(ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = doomed.Id, Text = "too late" }));
        Assert.Empty(await ListAsync(ann, room.Id, doomed.Id, includeResolved: true));

        await ann.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = room.Id });
        await FailedPreconditionAsync(ann.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "archived" }));
        await FailedPreconditionAsync(ann.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "archived" }));
        await FailedPreconditionAsync(ann.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true }));
        await FailedPreconditionAsync(ann.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id }));
        Assert.Equal([note], await ListAsync(ann, room.Id, message.Id)); // still readable, unchanged

        await ann.Rooms.UnarchiveRoomAsync(new UnarchiveRoomRequest { RoomId = room.Id });
        Assert.True((await ann.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true })).Annotation.Resolved);
    }

    [Fact]
    public async Task Another_tenants_owner_cannot_reach_any_annotation()
    {
        var (team, room, message) = await RoomWithMessageAsync();
        var spy = (await server.TeamAsync()).Owner;
        var note = (await team["ann"].Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "ours" })).Annotation;

        await NotFoundAsync(spy.Annotations.ListAnnotationsAsync(new ListAnnotationsRequest { RoomId = room.Id, MessageId = message.Id }));
        await NotFoundAsync(spy.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = room.Id, MessageId = message.Id, Text = "theirs" }));
        await NotFoundAsync(spy.Annotations.AddAnnotationCommentAsync(new AddAnnotationCommentRequest { RoomId = room.Id, AnnotationId = note.Id, Text = "theirs" }));
        await NotFoundAsync(spy.Annotations.ResolveAnnotationAsync(new ResolveAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id, Resolved = true }));
        await NotFoundAsync(spy.Annotations.DeleteAnnotationAsync(new DeleteAnnotationRequest { RoomId = room.Id, AnnotationId = note.Id }));

        Assert.Equal([note], await ListAsync(team["ann"], room.Id, message.Id));
    }

    private static async Task<List<Annotation>> ListAsync(Person reader, string roomId, string messageId, bool includeResolved = false) =>
        [.. (await reader.Annotations.ListAnnotationsAsync(new ListAnnotationsRequest { RoomId = roomId, MessageId = messageId, IncludeResolved = includeResolved })).Annotations];

    /// <summary>A room of ann's with bob and cat members, mod a moderator and vic a viewer (eve stays out), and one message of ann's.</summary>
    private async Task<(Team Team, Room Room, Atom.Server.Chat.StoredMessage Message)> RoomWithMessageAsync(RoomVisibility visibility = RoomVisibility.Public)
    {
        var team = await server.TeamAsync("ann", "bob", "cat", "mod", "vic", "eve");
        var ann = team["ann"];
        var room = await ann.CreateRoomAsync("notes", visibility, team["bob"].Id, team["cat"].Id);
        await ann.AddAsync(room.Id, team["mod"].Id, RoomRole.Moderator);
        await ann.AddAsync(room.Id, team["vic"].Id, RoomRole.Viewer);
        var message = await team.PostAsync(room.Id, ann, Text);
        return (team, await ann.GetRoomAsync(room.Id), message);
    }
}
