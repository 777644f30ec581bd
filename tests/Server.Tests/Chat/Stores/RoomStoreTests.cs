using Atom.Server.Chat;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;
using RoomRole = Atom.V1.RoomRole;
using RoomVisibility = Atom.V1.RoomVisibility;

namespace Atom.Server.Tests.Chat.Stores;

/// <summary>Rooms: creation, lookup, the lists a reader sees, names, direct rooms, members, invitations, updates and deletion.</summary>
public sealed class RoomStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Two_owners_leaving_at_once_cannot_leave_a_room_without_an_owner(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Public, null, "bob", "carol");
        await context.Rooms.SetMemberRoleAsync(context.A.Id, room.Id, "bob", RoomRole.Owner, "alice", Events.Membership);

        var leaving = await Task.WhenAll(
            Attempt(() => context.Rooms.RemoveMemberAsync(context.A.Id, room.Id, "alice", "alice", Events.Membership)),
            Attempt(() => context.Rooms.RemoveMemberAsync(context.A.Id, room.Id, "bob", "bob", Events.Membership)));
        var demote = await Attempt(async () =>
        {
            var owner = (await context.Rooms.ListMembersAsync(context.A.Id, room.Id, new PageRequest(50))).Items.Single(m => m.Role == RoomRole.Owner);
            return await context.Rooms.SetMemberRoleAsync(context.A.Id, room.Id, owner.UserId, RoomRole.Member, owner.UserId, Events.Membership);
        });
        var members = (await context.Rooms.ListMembersAsync(context.A.Id, room.Id, new PageRequest(50))).Items;

        Assert.Single(leaving, refused => refused);
        Assert.True(demote);
        Assert.Single(members, m => m.Role == RoomRole.Owner);
        Assert.Equal(2, members.Count);
    }

    /// <summary>True when the change was refused for leaving no owner.</summary>
    private static async Task<bool> Attempt<T>(Func<Task<T>> change)
    {
        try
        {
            await change();
            return false;
        }
        catch (LastOwnerException)
        {
            return true;
        }
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_room_is_created_with_its_owner_and_members_and_found_by_id_or_name(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Public, null, "bob", "carol", "bob", "alice");

        Assert.Equal(("general", "GENERAL", "about general", RoomVisibility.Public, "alice"), (room.Name, room.DisplayName, room.Topic, room.Visibility, room.CreatorId));
        Assert.Equal((0L, 3, RoomRole.Owner, false), (room.LastSequence, room.MemberCount, room.ViewerRole, room.IsArchived));
        Assert.Equal(context.Clock.Now, room.CreatedAt);

        Assert.Equal(room with { ViewerRole = RoomRole.Member }, await context.Rooms.GetAsync(context.A.Id, room.Id, "bob"));
        Assert.Equal(room with { ViewerRole = RoomRole.Unspecified }, await context.Rooms.GetAsync(context.A.Id, room.Id, "mallory"));
        Assert.Equal(room with { ViewerRole = RoomRole.Unspecified }, await context.Rooms.GetAsync(context.A.Id, room.Id));
        Assert.Equal(room.Id, (await context.Rooms.GetByNameAsync(context.A.Id, "GENERAL"))!.Id);
        Assert.Null(await context.Rooms.GetByNameAsync(context.A.Id, "nope"));
        Assert.Null(await context.Rooms.GetAsync(context.A.Id, "nope"));

        var members = (await context.Rooms.ListMembersAsync(context.A.Id, room.Id, PageRequest.First)).Items;
        Assert.Equal([("alice", RoomRole.Owner), ("bob", RoomRole.Member), ("carol", RoomRole.Member)], members.Select(m => (m.UserId, m.Role)));
        Assert.Empty(await context.EventsAsync(room)); // creation starts an empty log
        await Assert.ThrowsAsync<ArgumentException>(() => context.CreateRoomAsync("dm", "alice", RoomVisibility.Direct));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Room_names_are_unique_in_a_tenant_case_insensitively(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var general = await context.CreateRoomAsync("general");
        var random = await context.CreateRoomAsync("random");

        var taken = await Assert.ThrowsAsync<AlreadyExistsException>(() => context.CreateRoomAsync("General"));
        Assert.Equal(("room", "name", "General"), (taken.Resource, taken.Field, taken.Value));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.Rooms.UpdateAsync(context.A.Id, random.Id, new RoomUpdate(Name: "GENERAL"), "alice", Events.RoomUpdated));
        Assert.Equal(0L, await context.Log.LastSequenceAsync(context.A.Id, random.Id)); // the refused rename took no sequence
        Assert.Equal("general", (await context.CreateRoomAsync("general", tenantId: context.B.Id)).Name); // another tenant's name space

        // Renaming in place (only the case) is not a clash with itself.
        Assert.Equal("General", (await context.Rooms.UpdateAsync(context.A.Id, general.Id, new RoomUpdate(Name: "General"), "alice", Events.RoomUpdated))!.Value.Name);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_reader_lists_public_rooms_and_their_own_with_filters_and_pages(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var alpha = await context.CreateRoomAsync("alpha-team", "alice", RoomVisibility.Public);
        var beta = await context.CreateRoomAsync("beta", "alice", RoomVisibility.Private, null, "bob");
        var gamma = await context.CreateRoomAsync("gamma", "carol", RoomVisibility.Private);
        var delta = await context.CreateRoomAsync("delta_50%", "carol", RoomVisibility.Public);
        var old = await context.CreateRoomAsync("old", "alice", RoomVisibility.Public);
        await context.Rooms.ArchiveAsync(a, old.Id, "alice", Events.RoomUpdated);
        var (dm, _) = await context.Rooms.OpenDirectAsync(a, "bob", ["alice"]);
        await context.Rooms.UpdateAsync(a, alpha.Id, new RoomUpdate(DisplayName: "Alphabet soup"), "alice", Events.RoomUpdated);
        await context.CreateRoomAsync("elsewhere", "bob", tenantId: context.B.Id);

        async Task<string[]> Names(string viewer, RoomFilter filter) =>
            (await context.Rooms.ListAsync(a, viewer, filter, PageRequest.First)).Items.Select(r => r.Name == string.Empty ? "(dm)" : r.Name).ToArray();

        Assert.Equal(["(dm)", "alpha-team", "beta", "delta_50%"], await Names("bob", RoomFilter.Default));
        Assert.Equal(["alpha-team", "delta_50%"], await Names("mallory", RoomFilter.Default));
        Assert.Equal(["alpha-team", "delta_50%", "gamma"], await Names("carol", RoomFilter.Default));
        Assert.Equal(["(dm)", "beta"], await Names("bob", new RoomFilter(JoinedOnly: true)));
        Assert.Equal(["(dm)", "alpha-team", "beta", "delta_50%", "old"], await Names("alice", new RoomFilter(IncludeArchived: true)));
        Assert.Equal(["beta"], await Names("alice", new RoomFilter(Visibility: RoomVisibility.Private)));
        Assert.Equal(["(dm)"], await Names("alice", new RoomFilter(Visibility: RoomVisibility.Direct)));
        Assert.Equal(["alpha-team", "beta"], await Names("alice", new RoomFilter(Query: "BeT"))); // name or display name, any case
        Assert.Equal(["delta_50%"], await Names("alice", new RoomFilter(Query: "_50%"))); // LIKE wildcards are literal
        Assert.Empty(await Names("alice", new RoomFilter(Query: "a%t")));

        var roles = (await context.Rooms.ListAsync(a, "bob", RoomFilter.Default, PageRequest.First)).Items.ToDictionary(r => r.Id, r => r.ViewerRole);
        Assert.Equal(RoomRole.Member, roles[beta.Id]);
        Assert.Equal(RoomRole.Member, roles[dm.Id]);
        Assert.Equal(RoomRole.Unspecified, roles[alpha.Id]);

        // Keyset pages of one, through the whole list, and a token is bound to its reader and filter.
        var seen = new List<string>();
        var page = await context.Rooms.ListAsync(a, "alice", new RoomFilter(IncludeArchived: true), new PageRequest(2));
        seen.AddRange(page.Items.Select(r => r.Id));
        while (page.NextPageToken.Length > 0)
        {
            var token = page.NextPageToken;
            await Assert.ThrowsAsync<InvalidPageTokenException>(() => context.Rooms.ListAsync(a, "alice", RoomFilter.Default, new PageRequest(2, token)));
            await Assert.ThrowsAsync<InvalidPageTokenException>(() => context.Rooms.ListAsync(a, "bob", new RoomFilter(IncludeArchived: true), new PageRequest(2, token)));
            page = await context.Rooms.ListAsync(a, "alice", new RoomFilter(IncludeArchived: true), new PageRequest(2, token));
            seen.AddRange(page.Items.Select(r => r.Id));
        }

        Assert.Equal([dm.Id, alpha.Id, beta.Id, delta.Id, old.Id], seen);
        Assert.DoesNotContain(gamma.Id, seen);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task The_direct_room_of_a_set_of_users_is_one_room_whatever_the_order(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;

        var (first, created) = await context.Rooms.OpenDirectAsync(a, "carol", ["bob", "alice"]);
        Assert.True(created);
        Assert.Equal((RoomVisibility.Direct, string.Empty, 3, RoomRole.Member), (first.Visibility, first.Name, first.MemberCount, first.ViewerRole));

        var (again, createdAgain) = await context.Rooms.OpenDirectAsync(a, "alice", ["carol", "bob", "carol", "alice"]);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, (await context.Rooms.OpenDirectAsync(a, "alice", ["bob"])).Room.Id); // a subset is another conversation
        Assert.NotEqual(first.Id, (await context.Rooms.OpenDirectAsync(context.B.Id, "carol", ["bob", "alice"])).Room.Id); // another tenant

        // Many first messages at once between the same people still make one room.
        var raced = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => context.Rooms.OpenDirectAsync(a, i % 2 == 0 ? "dave" : "erin", [i % 2 == 0 ? "erin" : "dave"]))));
        Assert.Single(raced.Select(r => r.Room.Id).Distinct());
        Assert.Single(raced, r => r.Created);

        // A direct room stays direct and nameless.
        await Assert.ThrowsAsync<ArgumentException>(() => context.Rooms.UpdateAsync(a, first.Id, new RoomUpdate(Visibility: RoomVisibility.Public), "alice", Events.RoomUpdated));
        await Assert.ThrowsAsync<ArgumentException>(() => context.Rooms.UpdateAsync(a, first.Id, new RoomUpdate(Name: "named"), "alice", Events.RoomUpdated));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Membership_changes_are_events_of_the_room(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general");

        var added = (await context.Rooms.AddMemberAsync(a, room.Id, "bob", RoomRole.Viewer, "alice", Events.Membership))!;
        Assert.Equal((RoomRole.Viewer, 1L), (added.Value.Role, added.Event!.Sequence));
        var twice = (await context.Rooms.AddMemberAsync(a, room.Id, "bob", RoomRole.Owner, "alice", Events.Membership))!;
        Assert.Equal((RoomRole.Viewer, false), (twice.Value.Role, twice.Appended)); // already a member: as they were
        var promoted = (await context.Rooms.SetMemberRoleAsync(a, room.Id, "bob", RoomRole.Moderator, "alice", Events.Membership))!;
        Assert.Equal((RoomRole.Moderator, 2L), (promoted.Value.Role, promoted.Event!.Sequence));
        Assert.False((await context.Rooms.SetMemberRoleAsync(a, room.Id, "bob", RoomRole.Moderator, "alice", Events.Membership))!.Appended);
        Assert.Null(await context.Rooms.SetMemberRoleAsync(a, room.Id, "nobody", RoomRole.Member, "alice", Events.Membership));
        await context.Rooms.AddMemberAsync(a, room.Id, "carol", RoomRole.Member, "carol", Events.Membership);

        Assert.Equal(["alice", "bob", "carol"], await context.Rooms.MemberIdsAsync(a, room.Id));
        Assert.Equal([room.Id], await context.Rooms.RoomIdsOfAsync(a, "bob"));
        Assert.Equal(RoomRole.Moderator, (await context.Rooms.GetMemberAsync(a, room.Id, "bob"))!.Role);

        var removed = (await context.Rooms.RemoveMemberAsync(a, room.Id, "bob", "alice", Events.Membership))!;
        Assert.Equal(("bob", RoomRole.Unspecified, 4L), (removed.Value.UserId, removed.Value.Role, removed.Event!.Sequence));
        Assert.Null(await context.Rooms.RemoveMemberAsync(a, room.Id, "bob", "alice", Events.Membership));
        Assert.Null(await context.Rooms.GetMemberAsync(a, room.Id, "bob"));
        Assert.Null(await context.Rooms.AddMemberAsync(a, "no-room", "bob", RoomRole.Member, "alice", Events.Membership));

        var events = await context.EventsAsync(room);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(RoomEventKind.MembershipChanged, e.Kind));
        Assert.Equal(
            [("bob", RoomRole.Viewer), ("bob", RoomRole.Moderator), ("carol", RoomRole.Member), ("bob", RoomRole.Unspecified)],
            events.Select(e => Events.Parse(e).MembershipChanged).Select(m => (m.UserId, m.Role)));
        Assert.Equal(["alice", "alice", "carol", "alice"], events.Select(e => e.ActorId));
        Assert.Equal(4, (await context.Rooms.GetAsync(a, room.Id))!.LastSequence);

        // Members page by user id.
        foreach (var user in new[] { "dave", "erin", "frank" })
        {
            await context.Rooms.AddMemberAsync(a, room.Id, user, RoomRole.Member, user, Events.Membership);
        }

        var first = await context.Rooms.ListMembersAsync(a, room.Id, new PageRequest(3));
        var second = await context.Rooms.ListMembersAsync(a, room.Id, new PageRequest(3, first.NextPageToken));
        Assert.Equal(["alice", "carol", "dave", "erin", "frank"], first.Items.Concat(second.Items).Select(m => m.UserId));
        Assert.Empty(second.NextPageToken);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Invitations_are_accepted_once_by_their_invitee_declined_or_lapse(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("secret", "alice", RoomVisibility.Private);
        var other = await context.CreateRoomAsync("other", "alice", RoomVisibility.Private);
        var week = context.Clock.Now.AddDays(7);

        var invitation = (await context.Rooms.CreateInvitationAsync(a, room.Id, "alice", "bob", RoomRole.Moderator, week))!;
        Assert.Equal((room.Id, "SECRET", "alice", "bob", RoomRole.Moderator, week), (invitation.RoomId, invitation.RoomDisplayName, invitation.InviterId, invitation.InviteeId, invitation.Role, invitation.ExpiresAt));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => context.Rooms.CreateInvitationAsync(a, room.Id, "carol", "bob", RoomRole.Member, week));
        var declined = (await context.Rooms.CreateInvitationAsync(a, other.Id, "alice", "bob", RoomRole.Member, week))!;
        Assert.Null(await context.Rooms.CreateInvitationAsync(a, "no-room", "alice", "bob", RoomRole.Member, week));

        var pending = await context.Rooms.ListInvitationsAsync(a, "bob", new PageRequest(1));
        var rest = await context.Rooms.ListInvitationsAsync(a, "bob", new PageRequest(1, pending.NextPageToken));
        Assert.Equal(new[] { invitation, declined }.OrderBy(i => i.Id, StringComparer.Ordinal), pending.Items.Concat(rest.Items)); // by id: time-ordered to the ms
        Assert.Empty((await context.Rooms.ListInvitationsAsync(a, "carol", PageRequest.First)).Items);

        Assert.Null(await context.Rooms.AcceptInvitationAsync(a, invitation.Id, "carol", Events.Membership)); // not carol's
        var accepted = (await context.Rooms.AcceptInvitationAsync(a, invitation.Id, "bob", Events.Membership))!;
        Assert.Equal(("bob", RoomRole.Moderator, 1L, "bob"), (accepted.Value.UserId, accepted.Value.Role, accepted.Event!.Sequence, accepted.Event.ActorId));
        Assert.Null(await context.Rooms.AcceptInvitationAsync(a, invitation.Id, "bob", Events.Membership)); // once
        Assert.Equal(RoomRole.Moderator, (await context.Rooms.GetMemberAsync(a, room.Id, "bob"))!.Role);

        Assert.False(await context.Rooms.DeclineInvitationAsync(a, declined.Id, "carol"));
        Assert.True(await context.Rooms.DeclineInvitationAsync(a, declined.Id, "bob"));
        Assert.False(await context.Rooms.DeclineInvitationAsync(a, declined.Id, "bob"));
        Assert.Null(await context.Rooms.AcceptInvitationAsync(a, declined.Id, "bob", Events.Membership));
        Assert.Empty((await context.Rooms.ListInvitationsAsync(a, "bob", PageRequest.First)).Items);

        // A lapsed invitation is neither listed nor acceptable, and does not block a new one.
        var lapsing = (await context.Rooms.CreateInvitationAsync(a, other.Id, "alice", "carol", RoomRole.Member, context.Clock.Now.AddHours(1)))!;
        context.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty((await context.Rooms.ListInvitationsAsync(a, "carol", PageRequest.First)).Items);
        Assert.Null(await context.Rooms.AcceptInvitationAsync(a, lapsing.Id, "carol", Events.Membership));
        var renewed = (await context.Rooms.CreateInvitationAsync(a, other.Id, "alice", "carol", RoomRole.Viewer, context.Clock.Now.AddHours(1)))!;
        Assert.Equal([renewed.Id], (await context.Rooms.ListInvitationsAsync(a, "carol", PageRequest.First)).Items.Select(i => i.Id));

        await context.Rooms.CreateInvitationAsync(a, room.Id, "alice", "dave", RoomRole.Member, context.Clock.Now.AddMinutes(1));
        context.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await context.Rooms.ExpireInvitationsAsync(a)); // dave's (carol's lapsed one was marked when she was invited again)
        Assert.Equal(0, await context.Rooms.ExpireInvitationsAsync(a));
        Assert.Empty(await context.EventsAsync(other));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Updates_and_archiving_are_room_updated_events(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Public, null, "bob");
        context.Clock.Advance(TimeSpan.FromMinutes(1));

        var updated = (await context.Rooms.UpdateAsync(a, room.Id, new RoomUpdate(DisplayName: "General chat", Topic: "anything", Visibility: RoomVisibility.Private), "bob", Events.RoomUpdated))!;
        Assert.Equal(("general", "General chat", "anything", RoomVisibility.Private, RoomRole.Member), (updated.Value.Name, updated.Value.DisplayName, updated.Value.Topic, updated.Value.Visibility, updated.Value.ViewerRole));
        Assert.Equal((1L, context.Clock.Now), (updated.Value.LastSequence, updated.Value.UpdatedAt));
        var stored = Events.Parse(updated.Event!).RoomUpdated;
        Assert.Equal(("General chat", 1L, RoomRole.Unspecified), (stored.DisplayName, stored.LastSequence, stored.CallerRole)); // no reader's role in a broadcast

        Assert.False((await context.Rooms.UpdateAsync(a, room.Id, new RoomUpdate(Topic: "anything"), "bob", Events.RoomUpdated))!.Appended);
        Assert.False((await context.Rooms.UpdateAsync(a, room.Id, new RoomUpdate(), "bob", Events.RoomUpdated))!.Appended);
        Assert.Null(await context.Rooms.UpdateAsync(a, "no-room", new RoomUpdate(Topic: "x"), "bob", Events.RoomUpdated));

        var archived = (await context.Rooms.ArchiveAsync(a, room.Id, "alice", Events.RoomUpdated))!;
        Assert.True(archived.Value.IsArchived);
        Assert.True(Events.Parse(archived.Event!).RoomUpdated.Archived);
        Assert.False((await context.Rooms.ArchiveAsync(a, room.Id, "alice", Events.RoomUpdated))!.Appended);

        // Nothing new is said in an archived room; its membership can still change.
        await Assert.ThrowsAsync<RoomArchivedException>(() => context.PostAsync(room, "alice", "hello?"));
        Assert.True((await context.Rooms.RemoveMemberAsync(a, room.Id, "bob", "bob", Events.Membership))!.Appended);

        var back = (await context.Rooms.UnarchiveAsync(a, room.Id, "alice", Events.RoomUpdated))!;
        Assert.False(back.Value.IsArchived);
        Assert.False((await context.Rooms.UnarchiveAsync(a, room.Id, "alice", Events.RoomUpdated))!.Appended);
        Assert.Equal(5, (await context.PostAsync(room, "alice", "hello again")).Sequence);
        Assert.Equal([1L, 2, 3, 4, 5], (await context.EventsAsync(room)).Select(e => e.Sequence));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Deleting_a_room_deletes_everything_in_it(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var a = context.A.Id;
        var doomed = await context.CreateRoomAsync("doomed", "alice", RoomVisibility.Public, null, "bob");
        var kept = await context.CreateRoomAsync("kept", "alice", RoomVisibility.Public, null, "bob");
        foreach (var room in new[] { doomed, kept })
        {
            var message = await context.PostAsync(room, "alice", "hello");
            await context.PostAsync(room, "bob", "a reply", replyToId: message.Id);
            await context.Messages.EditAsync(a, room.Id, message.Id, "alice", "hello!", Events.Edited);
            await context.Messages.AddReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions);
            await context.Messages.PinAsync(a, room.Id, message.Id, "alice", Events.Pin);
            await context.Messages.MarkReadAsync(a, room.Id, "bob", 3);
            var note = (await context.Annotations.CreateAsync(a, room.Id, message.Id, "bob", 0, 5, "why?"))!;
            await context.Annotations.AddCommentAsync(a, room.Id, note.Id, "alice", "because");
            await context.Rooms.CreateInvitationAsync(a, room.Id, "alice", "carol", RoomRole.Member, context.Clock.Now.AddDays(1));
        }

        var before = await CountRowsAsync(context, a);
        Assert.True(await context.Rooms.DeleteAsync(a, doomed.Id));
        Assert.False(await context.Rooms.DeleteAsync(a, doomed.Id));

        Assert.Null(await context.Rooms.GetAsync(a, doomed.Id));
        Assert.Null(await context.Log.LastSequenceAsync(a, doomed.Id));
        Assert.Empty(await context.EventsAsync(doomed));
        Assert.Empty((await context.Messages.ListAsync(a, doomed.Id, 0, 0)).Messages);
        var after = await CountRowsAsync(context, a);
        Assert.All(after, table => Assert.Equal(before[table.Key] / 2, table.Value)); // exactly the other room's rows are left
        Assert.Equal(5L, await context.Log.LastSequenceAsync(a, kept.Id));
    }

    private static async Task<Dictionary<string, long>> CountRowsAsync(ChatTestContext context, string tenantId)
    {
        string[] tables = ["room_members", "room_invitations", "room_events", "messages", "message_edits", "message_reactions", "annotations", "annotation_comments"];
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = await context.Database.InTenantAsync(tenantId, (c, t) => c.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE tenant_id = @tenantId", new { tenantId }, t));
        }

        return counts;
    }
}
