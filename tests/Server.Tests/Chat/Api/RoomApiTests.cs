using System.Net;
using System.Net.Http.Json;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Chat;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Storage;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using static Atom.Server.Tests.Chat.Api.Expect;
using Room = Atom.V1.Room;
using RoomMember = Atom.V1.RoomMember;

namespace Atom.Server.Tests.Chat.Api;

/// <summary>
/// RoomService on a real server: the room lifecycle, who sees which room, every room-role rule, direct rooms,
/// invitations, the room event log each membership change writes, validation that changes nothing, tenant
/// isolation and the REST face.
/// </summary>
public sealed class RoomApiTests(RoomsServer server) : IClassFixture<RoomsServer>
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_room_lives_through_create_get_list_update_archive_unarchive_and_delete(string provider)
    {
        await using var own = await IdentityApiServer.StartAsync(provider);
        var team = await Team.CreateAsync(own, "life", "ann", "bob", "cat");
        var (ann, bob, cat) = (team["ann"], team["bob"], team["cat"]);

        var created = (await ann.Rooms.CreateRoomAsync(new CreateRoomRequest
        {
            Name = "launch", DisplayName = "Launch plans", Topic = "Friday", Visibility = RoomVisibility.Private, MemberIds = { bob.Id },
        })).Room;
        Assert.Equal(("launch", "Launch plans", "Friday", RoomVisibility.Private, ann.Id), (created.Name, created.DisplayName, created.Topic, created.Visibility, created.CreatorId));
        Assert.Equal((RoomRole.Owner, 2, 0L, false), (created.CallerRole, created.MemberCount, created.LastSequence, created.Archived));
        Assert.Equal(created, await ann.GetRoomAsync(created.Id));
        Assert.Equal(created, await ann.GetRoomAsync("Launch")); // names are unique case-insensitively
        Assert.Equal(RoomRole.Member, Assert.Single(await bob.ListRoomsAsync(), r => r.Id == created.Id).CallerRole);
        await NotFoundAsync(cat.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = created.Id }), "a private room, to a non-member");

        var updated = (await ann.Rooms.UpdateRoomAsync(new UpdateRoomRequest
        {
            Room = new Room { Id = created.Id, DisplayName = "Launch!", Topic = "Monday", Name = "ignored-without-the-mask" },
            UpdateMask = new FieldMask { Paths = { "display_name", "topic" } },
        })).Room;
        Assert.Equal(("launch", "Launch!", "Monday"), (updated.Name, updated.DisplayName, updated.Topic));
        await ann.AddAsync(created.Id, cat.Id, RoomRole.Viewer);
        await ann.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = created.Id, UserId = cat.Id, Role = RoomRole.Member });

        var archived = (await ann.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = created.Id })).Room;
        Assert.True(archived.Archived);
        Assert.DoesNotContain(await ann.ListRoomsAsync(), r => r.Id == created.Id);
        Assert.True(Assert.Single(await ann.ListRoomsAsync(new ListRoomsRequest { IncludeArchived = true }), r => r.Id == created.Id).Archived);
        Assert.Equal(created.Id, (await cat.GetRoomAsync(created.Id)).Id); // still readable
        await Assert.ThrowsAsync<RoomArchivedException>(() => team.PostAsync(created.Id, ann, "nothing new is said here"));
        await ann.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = created.Id, UserId = bob.Id }); // membership is still managed
        var unarchived = (await ann.Rooms.UnarchiveRoomAsync(new UnarchiveRoomRequest { RoomId = created.Id })).Room;
        Assert.False(unarchived.Archived);

        var log = await team.EventsAsync(created.Id);
        Assert.Equal([1L, 2, 3, 4, 5, 6], log.Select(e => e.Sequence));
        Assert.All(log, e => Assert.Equal(ann.Id, e.ActorId));
        Assert.Equal(
            [RoomEvent.KindOneofCase.RoomUpdated, RoomEvent.KindOneofCase.MembershipChanged, RoomEvent.KindOneofCase.MembershipChanged,
             RoomEvent.KindOneofCase.RoomUpdated, RoomEvent.KindOneofCase.MembershipChanged, RoomEvent.KindOneofCase.RoomUpdated],
            log.Select(e => e.KindCase));
        Assert.Equal([(cat.Id, RoomRole.Viewer), (cat.Id, RoomRole.Member), (bob.Id, RoomRole.Unspecified)],
            log.Where(e => e.MembershipChanged is not null).Select(e => (e.MembershipChanged.UserId, e.MembershipChanged.Role)));
        Assert.Equal((6L, 2), ((await ann.GetRoomAsync(created.Id)).LastSequence, (await ann.GetRoomAsync(created.Id)).MemberCount));

        await ann.Rooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = created.Id });
        await NotFoundAsync(ann.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = created.Id }), "a deleted room by id");
        await NotFoundAsync(ann.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = "launch" }), "a deleted room by name");
        Assert.Empty(await team.EventsAsync(created.Id));
        Assert.DoesNotContain(await ann.ListRoomsAsync(new ListRoomsRequest { IncludeArchived = true }), r => r.Id == created.Id);
        Assert.NotEqual(created.Id, (await ann.CreateRoomAsync("launch")).Id); // the name is free again
    }

    [Fact]
    public async Task Creating_a_room_defaults_its_display_name_and_visibility_and_makes_the_creator_owner()
    {
        var team = await server.TeamAsync("ann", "bob", "cat");
        var (ann, bob, cat) = (team["ann"], team["bob"], team["cat"]);

        var room = (await ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "general", Topic = "  all hands  ", MemberIds = { bob.Id, cat.Id, bob.Id, ann.Id } })).Room;

        Assert.Equal(("general", "general", "all hands", RoomVisibility.Public, RoomRole.Owner, 3), (room.Name, room.DisplayName, room.Topic, room.Visibility, room.CallerRole, room.MemberCount));
        Assert.Equal(
            new[] { (ann.Id, RoomRole.Owner), (bob.Id, RoomRole.Member), (cat.Id, RoomRole.Member) }.Order(),
            (await ann.MembersAsync(room.Id)).Select(m => (m.UserId, m.Role)).Order());
        Assert.Empty(await team.EventsAsync(room.Id)); // a new room's log starts empty
        var taken = await FailsAsync(bob.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "general" }), StatusCode.AlreadyExists, "ALREADY_EXISTS");
        Assert.Equal("name", taken.GetDetail<ErrorInfo>()?.Metadata["field"]);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_request_id_creates_one_room()
    {
        var team = await server.TeamAsync("ann");
        var request = new CreateRoomRequest { Name = "retry", RequestId = Guid.NewGuid().ToString() };

        var first = (await team["ann"].Rooms.CreateRoomAsync(request)).Room;
        var again = (await team["ann"].Rooms.CreateRoomAsync(request)).Room;
        await FailsAsync(team["ann"].Rooms.CreateRoomAsync(new CreateRoomRequest(request) { RequestId = Guid.NewGuid().ToString() }), StatusCode.AlreadyExists, "ALREADY_EXISTS");

        Assert.Equal(first, again);
        Assert.Single(await team["ann"].ListRoomsAsync());
    }

    public static TheoryData<string, string, string, int, string> BadRooms => new()
    {
        { "", "", "", 0, "name" },
        { "a", "", "", 0, "name" },
        { "General", "", "", 0, "name" },
        { "two words", "", "", 0, "name" },
        { "-dash", "", "", 0, "name" },
        { new string('n', 64), "", "", 0, "name" },
        { "0123456789abcdef0123456789abcdef", "", "", 0, "name" }, // would be taken for a room id
        { "ok", new string('d', 201), "", 0, "display_name" },
        { "ok", "bell\u0007", "", 0, "display_name" },
        { "ok", "", new string('t', 1001), 0, "topic" },
        { "ok", "", "nul\0", 0, "topic" },
        { "ok", "", "", (int)RoomVisibility.Direct, "visibility" },
        { "ok", "", "", 9, "visibility" },
    };

    [Theory]
    [MemberData(nameof(BadRooms))]
    public async Task A_bad_room_is_refused_with_the_field_named_and_nothing_is_stored(string name, string displayName, string topic, int visibility, string field)
    {
        var team = await server.TeamAsync("ann");

        await InvalidFieldAsync(team["ann"].Rooms.CreateRoomAsync(new CreateRoomRequest
        {
            Name = name, DisplayName = displayName, Topic = topic, Visibility = (RoomVisibility)visibility,
        }), field);

        Assert.Empty(await team["ann"].ListRoomsAsync(new ListRoomsRequest { IncludeArchived = true }));
    }

    [Fact]
    public async Task A_topic_of_1000_characters_counts_code_points_not_utf16_units()
    {
        var team = await server.TeamAsync("ann");

        var room = (await team["ann"].Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "emoji", Topic = string.Concat(Enumerable.Repeat("🚀", 1000)) })).Room;

        Assert.Equal(2000, room.Topic.Length);
    }

    [Fact]
    public async Task Members_named_at_creation_must_be_active_users_of_the_tenant_and_at_most_100()
    {
        var team = await server.TeamAsync("ann", "bob");
        var other = await server.TeamAsync("zed");
        var disabled = await team.UserAsync("gone");
        await team.DisableAsync(disabled.Id);
        var ann = team["ann"];
        var missing = Refusals.NeverIssuedId();

        var unknown = await NotFoundAsync(ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "a1", MemberIds = { team["bob"].Id, missing } }));
        var foreign = await NotFoundAsync(ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "a2", MemberIds = { other["zed"].Id } }));
        await FailedPreconditionAsync(ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "a3", MemberIds = { disabled.Id } }));
        await InvalidFieldAsync(ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "a4", MemberIds = { Enumerable.Range(0, 101).Select(_ => Refusals.NeverIssuedId()) } }), "member_ids");
        await InvalidFieldAsync(ann.Rooms.CreateRoomAsync(new CreateRoomRequest { Name = "a5", MemberIds = { "" } }), "member_ids");

        Assert.Equal(("user", missing), (unknown.GetDetail<ResourceInfo>()?.ResourceType, unknown.GetDetail<ResourceInfo>()?.ResourceName));
        Assert.Equal(other["zed"].Id, foreign.GetDetail<ResourceInfo>()?.ResourceName);
        Assert.Empty(await ann.ListRoomsAsync());

        // A hundred distinct users (duplicates not counted, the creator among them or not) is fine.
        var many = await Task.WhenAll(Enumerable.Range(0, 98).Select(i => team.UserAsync($"u{i}")));
        var big = await ann.CreateRoomAsync("big", RoomVisibility.Public, [.. many.Select(u => u.Id), team["bob"].Id, team["bob"].Id, ann.Id]);
        Assert.Equal(100, big.MemberCount);
    }

    [Fact]
    public async Task Lists_filter_by_membership_archive_visibility_and_query_and_page_through_everything()
    {
        var team = await server.TeamAsync("ann", "bob");
        var (ann, bob) = (team["ann"], team["bob"]);
        var alpha = await ann.CreateRoomAsync("alpha");
        var beta = await bob.CreateRoomAsync("beta");
        var secret = await ann.CreateRoomAsync("secret-plans", RoomVisibility.Private);
        var hidden = await bob.CreateRoomAsync("bobs-hideout", RoomVisibility.Private);
        var old = await ann.CreateRoomAsync("old-news");
        await ann.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = old.Id });
        var direct = (await ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id } })).Room;
        await ann.Rooms.UpdateRoomAsync(new UpdateRoomRequest { Room = new Room { Id = alpha.Id, DisplayName = "The PLANS room" }, UpdateMask = new FieldMask { Paths = { "display_name" } } });

        async Task<List<string>> Ids(ListRoomsRequest request) => [.. (await ann.ListRoomsAsync(request)).Select(r => r.Id)];

        // Direct rooms have no name, so they sort first; the rest by name.
        Assert.Equal([direct.Id, alpha.Id, beta.Id, secret.Id], await Ids(new ListRoomsRequest()));
        Assert.Equal([direct.Id, alpha.Id, secret.Id], await Ids(new ListRoomsRequest { JoinedOnly = true }));
        Assert.Equal([direct.Id, alpha.Id, beta.Id, old.Id, secret.Id], await Ids(new ListRoomsRequest { IncludeArchived = true }));
        Assert.Equal([secret.Id], await Ids(new ListRoomsRequest { Visibility = RoomVisibility.Private }));
        Assert.Equal([direct.Id], await Ids(new ListRoomsRequest { Visibility = RoomVisibility.Direct }));
        Assert.Equal([alpha.Id, secret.Id], await Ids(new ListRoomsRequest { Query = "Plans" })); // name or display name, any case
        Assert.Equal([old.Id], await Ids(new ListRoomsRequest { Query = "NEWS", IncludeArchived = true }));
        Assert.DoesNotContain(hidden.Id, await Ids(new ListRoomsRequest { Query = "hideout", IncludeArchived = true }));
        await InvalidFieldAsync(ann.Rooms.ListRoomsAsync(new ListRoomsRequest { Visibility = (RoomVisibility)7 }), "visibility");
        await InvalidFieldAsync(ann.Rooms.ListRoomsAsync(new ListRoomsRequest { Query = new string('q', 201) }), "query");
        await InvalidFieldAsync(ann.Rooms.ListRoomsAsync(new ListRoomsRequest { PageSize = -1 }), "page_size");
        await InvalidFieldAsync(ann.Rooms.ListRoomsAsync(new ListRoomsRequest { PageToken = "bm90LWEtdG9rZW4" }), "page_token");

        var seen = new List<string>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var page = await ann.Rooms.ListRoomsAsync(new ListRoomsRequest { PageSize = 2, PageToken = token, IncludeArchived = true });
            seen.AddRange(page.Rooms.Select(r => r.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(await Ids(new ListRoomsRequest { IncludeArchived = true }), seen);
        Assert.Equal(3, pages);

        // A token belongs to its filter: with another one it is refused, not misread.
        var first = await ann.Rooms.ListRoomsAsync(new ListRoomsRequest { PageSize = 1 });
        await InvalidFieldAsync(ann.Rooms.ListRoomsAsync(new ListRoomsRequest { PageSize = 1, PageToken = first.NextPageToken, JoinedOnly = true }), "page_token");
    }

    [Fact]
    public async Task A_private_room_is_invisible_to_non_members_and_a_public_room_is_visible_to_everyone()
    {
        var team = await server.TeamAsync("ann", "eve");
        var (ann, eve) = (team["ann"], team["eve"]);
        var secret = await ann.CreateRoomAsync("secret", RoomVisibility.Private);
        var open = await ann.CreateRoomAsync("open");

        var byId = await NotFoundAsync(eve.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = secret.Id }));
        var never = await NotFoundAsync(eve.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = Refusals.NeverIssuedId() }));
        await NotFoundAsync(eve.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = "secret" }));
        await NotFoundAsync(eve.Rooms.ListRoomMembersAsync(new ListRoomMembersRequest { RoomId = secret.Id }));
        await NotFoundAsync(eve.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = secret.Id }));
        await NotFoundAsync(eve.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = secret.Id }));
        Assert.DoesNotContain(await eve.ListRoomsAsync(new ListRoomsRequest { IncludeArchived = true }), r => r.Id == secret.Id);
        Assert.DoesNotContain(await eve.ListRoomsAsync(new ListRoomsRequest { Query = "secret", Visibility = RoomVisibility.Private }), r => r.Id == secret.Id);
        Assert.Equal(never.Status.Detail.Replace(never.GetDetail<ResourceInfo>()!.ResourceName, "{id}", StringComparison.Ordinal),
            byId.Status.Detail.Replace(secret.Id, "{id}", StringComparison.Ordinal)); // nothing tells it from a room that never was

        var seen = await eve.GetRoomAsync(open.Id);
        Assert.Equal((RoomRole.Unspecified, 1), (seen.CallerRole, seen.MemberCount));
        Assert.Equal(open.Id, (await eve.GetRoomAsync("open")).Id);
        Assert.Contains(await eve.ListRoomsAsync(), r => r.Id == open.Id);
        Assert.Equal([ann.Id], (await eve.MembersAsync(open.Id)).Select(m => m.UserId));
        Assert.DoesNotContain(await eve.ListRoomsAsync(new ListRoomsRequest { JoinedOnly = true }), r => r.Id == open.Id);
    }

    [Fact]
    public async Task Updates_need_a_moderator_change_only_the_masked_fields_and_refuse_bad_paths_and_values()
    {
        var team = await server.TeamAsync("ann", "mod", "mem", "vic");
        var (ann, mod, mem, vic) = (team["ann"], team["mod"], team["mem"], team["vic"]);
        var room = await ann.CreateRoomAsync("plans");
        await ann.CreateRoomAsync("taken");
        await ann.AddAsync(room.Id, mod.Id, RoomRole.Moderator);
        await ann.AddAsync(room.Id, mem.Id, RoomRole.Member);
        await ann.AddAsync(room.Id, vic.Id, RoomRole.Viewer);
        var before = await ann.GetRoomAsync(room.Id);

        UpdateRoomRequest Update(Room fields, params string[] paths)
        {
            fields.Id = room.Id;
            return new UpdateRoomRequest { Room = fields, UpdateMask = paths.Length == 0 ? null : new FieldMask { Paths = { paths } } };
        }

        await DeniedAsync(mem.Rooms.UpdateRoomAsync(Update(new Room { Topic = "mine now" }, "topic")), "moderator");
        await DeniedAsync(vic.Rooms.UpdateRoomAsync(Update(new Room { Topic = "mine now" }, "topic")), "moderator");
        await DeniedAsync(team.Owner.Rooms.UpdateRoomAsync(Update(new Room { Topic = "tenant owner" }, "topic")), "moderator"); // a tenant role is no room role
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room { Topic = "x" }, "topic", "creator_id")), "update_mask");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room())), "update_mask");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room { Name = "Plans" }, "name")), "room.name");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room { Visibility = RoomVisibility.Direct }, "visibility")), "room.visibility");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room(), "visibility")), "room.visibility");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(Update(new Room { Topic = new string('t', 1001) }, "topic")), "room.topic");
        await InvalidFieldAsync(mod.Rooms.UpdateRoomAsync(new UpdateRoomRequest { UpdateMask = new FieldMask { Paths = { "topic" } } }), "room");
        await FailsAsync(mod.Rooms.UpdateRoomAsync(Update(new Room { Name = "taken" }, "name")), StatusCode.AlreadyExists, "ALREADY_EXISTS");
        Assert.Equal(before, await ann.GetRoomAsync(room.Id));
        Assert.Equal(3, (await team.EventsAsync(room.Id)).Count); // the three adds, and nothing of the refusals
        Assert.Equal(3L, before.LastSequence);

        // The mask decides: a field not named stays, even when sent.
        var renamed = (await mod.Rooms.UpdateRoomAsync(Update(new Room { Name = "plans-b", Topic = "not this", Visibility = RoomVisibility.Private }, "name", "visibility"))).Room;
        Assert.Equal(("plans-b", "plans", string.Empty, RoomVisibility.Private, RoomRole.Moderator), (renamed.Name, renamed.DisplayName, renamed.Topic, renamed.Visibility, renamed.CallerRole));

        // Without a mask, what is given is what changes; an empty display name in the mask falls back to the name.
        var topical = (await mod.Rooms.UpdateRoomAsync(Update(new Room { Topic = "Q3" }))).Room;
        Assert.Equal(("plans-b", "Q3", RoomVisibility.Private), (topical.Name, topical.Topic, topical.Visibility));
        var plain = (await mod.Rooms.UpdateRoomAsync(Update(new Room { DisplayName = "" }, "display_name"))).Room;
        Assert.Equal("plans-b", plain.DisplayName);

        var updates = (await team.EventsAsync(room.Id)).Skip(3).ToList();
        Assert.Equal([4L, 5, 6], updates.Select(e => e.Sequence));
        Assert.Equal(["plans-b", "plans-b", "plans-b"], updates.Select(e => e.RoomUpdated.Name));
        Assert.All(updates, e => Assert.Equal(RoomRole.Unspecified, e.RoomUpdated.CallerRole)); // an event goes to everyone: no caller's role in it
        Assert.Equal(topical.UpdateTime.ToDateTimeOffset(), updates[1].EventTime.ToDateTimeOffset());
        var unchanged = (await mod.Rooms.UpdateRoomAsync(Update(new Room { Topic = "Q3" }, "topic"))).Room;
        Assert.Equal(6L, unchanged.LastSequence); // nothing changed, nothing logged
    }

    [Fact]
    public async Task Archiving_unarchiving_and_deleting_need_an_owner_and_deleting_closes_live_subscriptions()
    {
        var team = await server.TeamAsync("ann", "mod", "mem");
        var (ann, mod, mem) = (team["ann"], team["mod"], team["mem"]);
        var room = await ann.CreateRoomAsync("doomed", RoomVisibility.Private, mem.Id);
        await ann.AddAsync(room.Id, mod.Id, RoomRole.Moderator);

        await DeniedAsync(mod.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = room.Id }), "owner");
        await DeniedAsync(mem.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = room.Id }), "owner");
        await DeniedAsync(mod.Rooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = room.Id }), "owner");
        await ann.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = room.Id });
        var again = (await ann.Rooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = room.Id })).Room;
        await DeniedAsync(mod.Rooms.UnarchiveRoomAsync(new UnarchiveRoomRequest { RoomId = room.Id }), "owner");
        Assert.True(again.Archived);
        Assert.Equal(2L, again.LastSequence); // the moderator's add, then one archive: archiving twice logs once

        await using var subscription = team.Subscribe(mem, room.Id);
        Assert.Equal(ChatEvent.KindOneofCase.CaughtUp, (await subscription.TakeAsync(3)).Last().KindCase);
        await ann.Rooms.UnarchiveRoomAsync(new UnarchiveRoomRequest { RoomId = room.Id });
        await ann.Rooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = room.Id });

        var live = await subscription.TakeAsync(2);
        Assert.False(live[0].RoomEvent.RoomUpdated.Archived);
        Assert.Equal(("deleted", room.Id), (live[1].RoomClosed?.Reason, live[1].RoomClosed?.RoomId));
        Assert.Empty(subscription.Rooms());
        await NotFoundAsync(ann.Rooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = room.Id }));
    }

    [Fact]
    public async Task Direct_rooms_are_the_same_for_the_same_people_in_any_order_and_their_members_are_fixed()
    {
        var team = await server.TeamAsync("ann", "bob", "cat", "eve");
        var (ann, bob, cat, eve) = (team["ann"], team["bob"], team["cat"], team["eve"]);

        var first = (await ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id, cat.Id } })).Room;
        var reordered = (await ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { cat.Id, bob.Id, cat.Id } })).Room;
        var fromCat = (await cat.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { ann.Id, bob.Id } })).Room;
        var pair = (await ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id } })).Room;

        Assert.Equal((string.Empty, RoomVisibility.Direct, 3, RoomRole.Member), (first.Name, first.Visibility, first.MemberCount, first.CallerRole));
        Assert.Equal(first.Id, reordered.Id);
        Assert.Equal(first.Id, fromCat.Id);
        Assert.NotEqual(first.Id, pair.Id);
        Assert.All(await ann.MembersAsync(first.Id), m => Assert.Equal(RoomRole.Member, m.Role));
        await NotFoundAsync(eve.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = first.Id }));
        await NotFoundAsync(eve.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = first.Id }));
        Assert.DoesNotContain(await eve.ListRoomsAsync(), r => r.Id == first.Id);

        // The set is fixed: nobody can be added, invited or removed, nobody leaves, nothing is renamed.
        await FailedPreconditionAsync(bob.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = first.Id }));
        await FailedPreconditionAsync(bob.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = first.Id, UserId = bob.Id }));
        await DeniedAsync(ann.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = first.Id, UserId = eve.Id }), "moderator");
        await DeniedAsync(ann.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = first.Id, UserId = eve.Id }), "moderator");
        await DeniedAsync(ann.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = first.Id, UserId = bob.Id }), "moderator");
        await DeniedAsync(ann.Rooms.UpdateRoomAsync(new UpdateRoomRequest { Room = new Room { Id = first.Id, Topic = "t" } }), "moderator");
        await DeniedAsync(ann.Rooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = first.Id }), "owner");
        Assert.Equal(3, (await ann.GetRoomAsync(first.Id)).MemberCount);
        Assert.Empty(await team.EventsAsync(first.Id));

        var missing = Refusals.NeverIssuedId();
        await InvalidFieldAsync(ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest()), "user_ids");
        await InvalidFieldAsync(ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { ann.Id } }), "user_ids");
        await InvalidFieldAsync(ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id, ann.Id } }), "user_ids");
        await InvalidFieldAsync(ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { Enumerable.Range(0, 9).Select(_ => Refusals.NeverIssuedId()) } }), "user_ids");
        Assert.Equal(missing, (await NotFoundAsync(ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id, missing } }))).GetDetail<ResourceInfo>()?.ResourceName);
        var eight = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => team.UserAsync($"d{i}")));
        Assert.Equal(9, (await ann.Rooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { eight.Select(u => u.Id) } })).Room.MemberCount);
    }

    [Fact]
    public async Task Public_rooms_are_joined_and_left_and_private_ones_stay_hidden_unless_invited()
    {
        var team = await server.TeamAsync("ann", "bob", "eve");
        var (ann, bob, eve) = (team["ann"], team["bob"], team["eve"]);
        var open = await ann.CreateRoomAsync("open");
        var closed = await ann.CreateRoomAsync("closed", RoomVisibility.Private);

        var joined = (await bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = "open" })).Room; // by name, too
        var rejoined = (await bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = open.Id })).Room;
        Assert.Equal((RoomRole.Member, 2, 1L), (joined.CallerRole, joined.MemberCount, joined.LastSequence));
        Assert.Equal(1L, rejoined.LastSequence); // joining twice is one join

        await bob.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = open.Id });
        await bob.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = open.Id }); // already out: done
        Assert.Equal(RoomRole.Unspecified, (await bob.GetRoomAsync(open.Id)).CallerRole);
        Assert.Equal([(bob.Id, RoomRole.Member), (bob.Id, RoomRole.Unspecified)],
            (await team.EventsAsync(open.Id)).Select(e => (e.MembershipChanged.UserId, e.MembershipChanged.Role)));
        Assert.All(await team.EventsAsync(open.Id), e => Assert.Equal(bob.Id, e.ActorId));

        await NotFoundAsync(bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = closed.Id }));
        var invitation = (await ann.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = closed.Id, UserId = bob.Id })).Invitation;
        var told = await FailedPreconditionAsync(bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = closed.Id }));
        await FailedPreconditionAsync(bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = "closed" }));
        await NotFoundAsync(eve.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = closed.Id })); // not invited: still nothing there
        Assert.Equal(invitation.Id, told.GetDetail<ErrorInfo>()?.Metadata["invitation_id"]);
        Assert.Contains("accept", told.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await team.EventsAsync(closed.Id));

        // Members of a private room may join it again harmlessly (a retried accept, say).
        await bob.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = invitation.Id });
        Assert.Equal(RoomRole.Member, (await bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = closed.Id })).Room.CallerRole);
    }

    [Fact]
    public async Task The_last_owner_can_neither_leave_nor_step_down_nor_be_removed()
    {
        var team = await server.TeamAsync("ann", "bob");
        var (ann, bob) = (team["ann"], team["bob"]);
        var solo = await ann.CreateRoomAsync("solo");
        var shared = await ann.CreateRoomAsync("shared", RoomVisibility.Public, bob.Id);

        await FailedPreconditionAsync(ann.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = solo.Id }), "alone");
        await FailedPreconditionAsync(ann.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = shared.Id }), "with others");
        await FailedPreconditionAsync(ann.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = shared.Id, UserId = ann.Id }));
        await FailedPreconditionAsync(ann.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = shared.Id, UserId = ann.Id, Role = RoomRole.Moderator }));
        Assert.Empty(await team.EventsAsync(shared.Id));

        await ann.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = shared.Id, UserId = bob.Id, Role = RoomRole.Owner });
        await ann.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = shared.Id });

        Assert.Equal([(bob.Id, RoomRole.Owner)], (await bob.MembersAsync(shared.Id)).Select(m => (m.UserId, m.Role)));
        await FailedPreconditionAsync(bob.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = shared.Id, UserId = bob.Id, Role = RoomRole.Member }));
    }

    [Fact]
    public async Task Moderators_manage_viewers_and_members_and_owners_manage_everyone()
    {
        var team = await server.TeamAsync("own", "mod", "mem", "vic", "new1", "new2", "new3", "new4");
        var (own, mod, mem, vic) = (team["own"], team["mod"], team["mem"], team["vic"]);
        var room = await own.CreateRoomAsync("ruled", RoomVisibility.Private);
        await own.AddAsync(room.Id, mod.Id, RoomRole.Moderator);
        await own.AddAsync(room.Id, mem.Id);
        await own.AddAsync(room.Id, vic.Id, RoomRole.Viewer);
        var sequence = (await own.GetRoomAsync(room.Id)).LastSequence;

        AddRoomMemberRequest Add(Person who, RoomRole role) => new() { RoomId = room.Id, UserId = who.Id, Role = role };
        RemoveRoomMemberRequest Remove(Person who) => new() { RoomId = room.Id, UserId = who.Id };
        SetRoomMemberRoleRequest Set(Person who, RoomRole role) => new() { RoomId = room.Id, UserId = who.Id, Role = role };

        // Viewers and members manage nobody.
        await DeniedAsync(vic.Rooms.AddRoomMemberAsync(Add(team["new1"], RoomRole.Viewer)), "moderator");
        await DeniedAsync(mem.Rooms.AddRoomMemberAsync(Add(team["new1"], RoomRole.Member)), "moderator");
        await DeniedAsync(mem.Rooms.RemoveRoomMemberAsync(Remove(vic)), "moderator");
        await DeniedAsync(mem.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = team["new1"].Id }), "moderator");
        await DeniedAsync(mem.Rooms.SetRoomMemberRoleAsync(Set(vic, RoomRole.Member)), "owner");

        // Moderators manage viewers and members, not moderators or owners, and set no roles.
        await DeniedAsync(mod.Rooms.AddRoomMemberAsync(Add(team["new1"], RoomRole.Moderator)), "owner");
        await DeniedAsync(mod.Rooms.AddRoomMemberAsync(Add(team["new1"], RoomRole.Owner)), "owner");
        await DeniedAsync(mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = team["new1"].Id, Role = RoomRole.Moderator }), "owner");
        await DeniedAsync(mod.Rooms.RemoveRoomMemberAsync(Remove(own)), "owner");
        await DeniedAsync(mod.Rooms.SetRoomMemberRoleAsync(Set(mem, RoomRole.Viewer)), "owner");
        Assert.Equal(sequence, (await own.GetRoomAsync(room.Id)).LastSequence); // no refusal changed anything

        Assert.Equal(RoomRole.Viewer, (await mod.AddAsync(room.Id, team["new1"].Id, RoomRole.Viewer)).Role);
        Assert.Equal(RoomRole.Member, (await mod.AddAsync(room.Id, team["new2"].Id)).Role); // the default
        await mod.Rooms.RemoveRoomMemberAsync(Remove(team["new1"]));
        await mod.Rooms.RemoveRoomMemberAsync(Remove(vic));

        // Owners do everything, another moderator's removal and role changes included.
        Assert.Equal(RoomRole.Moderator, (await own.AddAsync(room.Id, team["new3"].Id, RoomRole.Moderator)).Role);
        Assert.Equal(RoomRole.Owner, (await own.AddAsync(room.Id, team["new4"].Id, RoomRole.Owner)).Role);
        await own.Rooms.RemoveRoomMemberAsync(Remove(team["new3"]));
        Assert.Equal(RoomRole.Moderator, (await own.Rooms.SetRoomMemberRoleAsync(Set(mem, RoomRole.Moderator))).Member.Role);
        Assert.Equal(RoomRole.Viewer, (await own.Rooms.SetRoomMemberRoleAsync(Set(mod, RoomRole.Viewer))).Member.Role);
        await DeniedAsync(mod.Rooms.AddRoomMemberAsync(Add(team["new1"], RoomRole.Viewer)), "moderator"); // demoted: no longer

        // Anyone may remove themselves (that is leaving).
        await team["new2"].Rooms.RemoveRoomMemberAsync(Remove(team["new2"]));

        Assert.Equal(
            [(own.Id, RoomRole.Owner), (mem.Id, RoomRole.Moderator), (mod.Id, RoomRole.Viewer), (team["new4"].Id, RoomRole.Owner)],
            (await own.MembersAsync(room.Id)).Select(m => (m.UserId, m.Role)).OrderBy(m => Array.IndexOf(new[] { own.Id, mem.Id, mod.Id, team["new4"].Id }, m.UserId)));
    }

    [Fact]
    public async Task Members_are_users_of_the_tenant_and_are_added_once()
    {
        var team = await server.TeamAsync("own", "bob");
        var other = await server.TeamAsync("zed");
        var (own, bob) = (team["own"], team["bob"]);
        var room = await own.CreateRoomAsync("once", RoomVisibility.Private);
        var missing = Refusals.NeverIssuedId();
        var disabled = await team.UserAsync("gone");
        await team.DisableAsync(disabled.Id);

        var unknown = await NotFoundAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = missing }));
        await NotFoundAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = other["zed"].Id }));
        await FailedPreconditionAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = disabled.Id }));
        await NotFoundAsync(own.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = room.Id, UserId = other["zed"].Id }));
        await NotFoundAsync(own.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = room.Id, UserId = bob.Id, Role = RoomRole.Viewer }));
        await InvalidFieldAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = bob.Id, Role = (RoomRole)7 }), "role");
        await InvalidFieldAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = "" }), "user_id");
        await InvalidFieldAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = "", UserId = bob.Id }), "room_id");
        await InvalidFieldAsync(own.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = room.Id, UserId = own.Id }), "role");
        Assert.Equal("user", unknown.GetDetail<ResourceInfo>()?.ResourceType);
        Assert.Empty(await team.EventsAsync(room.Id));

        var added = await own.AddAsync(room.Id, bob.Id, RoomRole.Viewer);
        var retried = await own.AddAsync(room.Id, bob.Id, RoomRole.Viewer);
        var otherRole = await FailsAsync(own.Rooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = room.Id, UserId = bob.Id, Role = RoomRole.Member }), StatusCode.AlreadyExists, "ALREADY_EXISTS");

        Assert.Equal(added, retried);
        Assert.Contains("SetRoomMemberRole", otherRole.Status.Detail, StringComparison.Ordinal);
        Assert.Single(await team.EventsAsync(room.Id));
    }

    [Fact]
    public async Task Invitations_are_made_by_moderators_and_seen_and_answered_only_by_the_invitee()
    {
        var team = await server.TeamAsync("own", "mod", "bob", "cat", "eve");
        var (own, mod, bob, cat, eve) = (team["own"], team["mod"], team["bob"], team["cat"], team["eve"]);
        var room = await own.CreateRoomAsync("inner", RoomVisibility.Private);
        await own.Rooms.UpdateRoomAsync(new UpdateRoomRequest { Room = new Room { Id = room.Id, DisplayName = "Inner circle" } });
        await own.AddAsync(room.Id, mod.Id, RoomRole.Moderator);

        var toBob = (await mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = bob.Id })).Invitation;
        var toCat = (await own.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = cat.Id, Role = RoomRole.Moderator })).Invitation;

        Assert.Equal((room.Id, "Inner circle", mod.Id, bob.Id, RoomRole.Member), (toBob.RoomId, toBob.RoomDisplayName, toBob.InviterId, toBob.InviteeId, toBob.Role));
        Assert.InRange(toBob.ExpireTime.ToDateTimeOffset() - toBob.CreateTime.ToDateTimeOffset(), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(5), TimeSpan.FromDays(7));
        Assert.Equal([toBob], (await bob.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations);
        Assert.Empty((await eve.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations);
        Assert.Empty((await mod.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations);

        // An invitation is the invitee's alone: to anyone else it does not exist.
        await NotFoundAsync(eve.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toBob.Id }));
        await NotFoundAsync(mod.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toBob.Id }));
        await NotFoundAsync(eve.Rooms.DeclineInvitationAsync(new DeclineInvitationRequest { InvitationId = toBob.Id }));
        await NotFoundAsync(bob.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toCat.Id }));
        await NotFoundAsync(bob.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = room.Id })); // invited is not yet a member

        var entered = (await bob.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toBob.Id })).Room;
        await cat.Rooms.DeclineInvitationAsync(new DeclineInvitationRequest { InvitationId = toCat.Id });

        Assert.Equal((room.Id, RoomRole.Member, 3), (entered.Id, entered.CallerRole, entered.MemberCount));
        Assert.Empty((await bob.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations);
        Assert.Empty((await cat.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations);
        await NotFoundAsync(bob.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toBob.Id })); // answered once
        await NotFoundAsync(cat.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = toCat.Id }));
        await NotFoundAsync(cat.Rooms.GetRoomAsync(new GetRoomRequest { RoomId = room.Id }));
        var accepted = (await team.EventsAsync(room.Id)).Last();
        Assert.Equal((bob.Id, bob.Id, RoomRole.Member), (accepted.ActorId, accepted.MembershipChanged.UserId, accepted.MembershipChanged.Role));

        // Nobody is invited twice, nor invited to what they are already in, nor invited from outside the tenant.
        await mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = eve.Id, Role = RoomRole.Viewer });
        await FailsAsync(mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = eve.Id }), StatusCode.AlreadyExists, "ALREADY_EXISTS");
        await FailedPreconditionAsync(mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = bob.Id }));
        await NotFoundAsync(mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = Refusals.NeverIssuedId() }));
        await InvalidFieldAsync(mod.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = cat.Id, Role = (RoomRole)5 }), "role");
        await InvalidFieldAsync(bob.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest()), "invitation_id");
        Assert.Equal(RoomRole.Viewer, Assert.Single((await eve.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations).Role);
    }

    [Fact]
    public async Task Every_membership_change_is_in_the_room_log_with_a_gap_free_sequence_and_reaches_live_subscribers()
    {
        var team = await server.TeamAsync("own", "bob", "cat", "dan");
        var (own, bob, cat, dan) = (team["own"], team["bob"], team["cat"], team["dan"]);
        var room = await own.CreateRoomAsync("busy");
        await using var watching = team.Subscribe(own, room.Id);
        await using var removed = team.Subscribe(cat, room.Id);
        Assert.Equal(ChatEvent.KindOneofCase.CaughtUp, Assert.Single(await watching.TakeAsync(1)).KindCase);
        Assert.Equal(ChatEvent.KindOneofCase.CaughtUp, Assert.Single(await removed.TakeAsync(1)).KindCase);

        await bob.Rooms.JoinRoomAsync(new JoinRoomRequest { RoomId = room.Id });                                                        // 1 join
        await own.AddAsync(room.Id, cat.Id, RoomRole.Viewer);                                                                           // 2 add
        await own.Rooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = room.Id, UserId = cat.Id, Role = RoomRole.Moderator }); // 3 role
        var invitation = (await cat.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = room.Id, UserId = dan.Id })).Invitation; // (no event)
        await dan.Rooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = invitation.Id });                          // 4 accept
        await cat.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = room.Id, UserId = bob.Id });                      // 5 remove
        await dan.Rooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = room.Id });                                                     // 6 leave
        await own.Rooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = room.Id, UserId = cat.Id });                      // 7 remove a moderator

        var log = await team.EventsAsync(room.Id);
        var expected = new[]
        {
            (bob.Id, bob.Id, RoomRole.Member), (own.Id, cat.Id, RoomRole.Viewer), (own.Id, cat.Id, RoomRole.Moderator), (dan.Id, dan.Id, RoomRole.Member),
            (cat.Id, bob.Id, RoomRole.Unspecified), (dan.Id, dan.Id, RoomRole.Unspecified), (own.Id, cat.Id, RoomRole.Unspecified),
        };
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), log.Select(e => e.Sequence));
        Assert.Equal(expected, log.Select(e => (e.ActorId, e.MembershipChanged.UserId, e.MembershipChanged.Role)));
        Assert.Equal(7L, (await own.GetRoomAsync(room.Id)).LastSequence);

        // Live, each in order; the removed member's stream stops with their removal.
        Assert.Equal(log, (await watching.TakeAsync(7)).Select(e => e.RoomEvent));
        var theirs = await removed.TakeAsync(8);
        Assert.Equal(log, theirs.Take(7).Select(e => e.RoomEvent));
        Assert.Equal("removed", theirs[7].RoomClosed.Reason);
    }

    [Fact]
    public async Task Another_tenants_owner_gets_not_found_for_every_room_call_exactly_as_for_a_missing_room()
    {
        var team = await server.TeamAsync("own", "bob");
        var rival = await server.TeamAsync("spy");
        var (own, bob) = (team["own"], team["bob"]);
        var room = await own.CreateRoomAsync("crown-jewels", RoomVisibility.Public, bob.Id);
        var invitation = (await own.Rooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = (await own.CreateRoomAsync("vault", RoomVisibility.Private)).Id, UserId = bob.Id })).Invitation;
        var spy = rival.Owner; // the most powerful role of the other tenant
        var spyRooms = spy.Rooms;
        var before = await own.GetRoomAsync(room.Id);

        var calls = new (string Name, Func<string, Task> Call)[]
        {
            ("GetRoom", id => spyRooms.GetRoomAsync(new GetRoomRequest { RoomId = id }).ResponseAsync),
            ("UpdateRoom", id => spyRooms.UpdateRoomAsync(new UpdateRoomRequest { Room = new Room { Id = id, Topic = "mine" } }).ResponseAsync),
            ("ArchiveRoom", id => spyRooms.ArchiveRoomAsync(new ArchiveRoomRequest { RoomId = id }).ResponseAsync),
            ("UnarchiveRoom", id => spyRooms.UnarchiveRoomAsync(new UnarchiveRoomRequest { RoomId = id }).ResponseAsync),
            ("DeleteRoom", id => spyRooms.DeleteRoomAsync(new DeleteRoomRequest { RoomId = id }).ResponseAsync),
            ("JoinRoom", id => spyRooms.JoinRoomAsync(new JoinRoomRequest { RoomId = id }).ResponseAsync),
            ("LeaveRoom", id => spyRooms.LeaveRoomAsync(new LeaveRoomRequest { RoomId = id }).ResponseAsync),
            ("ListRoomMembers", id => spyRooms.ListRoomMembersAsync(new ListRoomMembersRequest { RoomId = id }).ResponseAsync),
            ("AddRoomMember", id => spyRooms.AddRoomMemberAsync(new AddRoomMemberRequest { RoomId = id, UserId = spy.Id }).ResponseAsync),
            ("RemoveRoomMember", id => spyRooms.RemoveRoomMemberAsync(new RemoveRoomMemberRequest { RoomId = id, UserId = bob.Id }).ResponseAsync),
            ("SetRoomMemberRole", id => spyRooms.SetRoomMemberRoleAsync(new SetRoomMemberRoleRequest { RoomId = id, UserId = bob.Id, Role = RoomRole.Owner }).ResponseAsync),
            ("CreateInvitation", id => spyRooms.CreateInvitationAsync(new CreateInvitationRequest { RoomId = id, UserId = spy.Id }).ResponseAsync),
            ("CreateAnnotation", id => spy.Annotations.CreateAnnotationAsync(new CreateAnnotationRequest { RoomId = id, MessageId = Refusals.NeverIssuedId(), Text = "x" }).ResponseAsync),
            ("ListAnnotations", id => spy.Annotations.ListAnnotationsAsync(new ListAnnotationsRequest { RoomId = id, MessageId = Refusals.NeverIssuedId() }).ResponseAsync),
        };
        foreach (var (name, call) in calls)
        {
            foreach (var id in new[] { room.Id, room.Name })
            {
                var missing = Refusals.NeverIssuedId();
                var foreign = await Assert.ThrowsAsync<RpcException>(() => call(id));
                var control = await Assert.ThrowsAsync<RpcException>(() => call(missing));
                Assert.True(foreign.StatusCode == StatusCode.NotFound, $"{name} on another tenant's room {id}: {foreign.StatusCode} {foreign.Status.Detail}");
                Assert.Equal(control.Status.Detail.Replace(missing, "{id}", StringComparison.Ordinal), foreign.Status.Detail.Replace(id, "{id}", StringComparison.Ordinal));
                Assert.Equal(control.GetDetail<ErrorInfo>(), foreign.GetDetail<ErrorInfo>());
            }
        }

        await NotFoundAsync(spyRooms.AcceptInvitationAsync(new AcceptInvitationRequest { InvitationId = invitation.Id }));
        await NotFoundAsync(spyRooms.DeclineInvitationAsync(new DeclineInvitationRequest { InvitationId = invitation.Id }));
        await NotFoundAsync(spyRooms.OpenDirectRoomAsync(new OpenDirectRoomRequest { UserIds = { bob.Id } }));
        Assert.DoesNotContain(await spy.ListRoomsAsync(new ListRoomsRequest { IncludeArchived = true }), r => r.Id == room.Id);
        Assert.Equal(before, await own.GetRoomAsync(room.Id));
        Assert.Empty(await team.EventsAsync(room.Id));
        Assert.Equal([invitation.Id], (await bob.Rooms.ListInvitationsAsync(new ListInvitationsRequest())).Invitations.Select(i => i.Id));
    }

    [Fact]
    public async Task The_rest_face_creates_and_lists_rooms_and_says_which_field_is_wrong()
    {
        var team = await server.TeamAsync("ann", "bob");
        using var rest = team.Server.Rest(team["ann"].Token);

        using var created = await rest.PostAsJsonAsync("/v1/rooms", new { name = "rest-room", displayName = "Over REST", visibility = "ROOM_VISIBILITY_PRIVATE", memberIds = new[] { team["bob"].Id } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var room = JsonParser.Default.Parse<CreateRoomResponse>(await created.Content.ReadAsStringAsync()).Room;
        using var listed = await rest.GetAsync("/v1/rooms?joinedOnly=true&visibility=ROOM_VISIBILITY_PRIVATE");
        var rooms = JsonParser.Default.Parse<ListRoomsResponse>(await listed.Content.ReadAsStringAsync()).Rooms;
        using var bad = await rest.PostAsJsonAsync("/v1/rooms", new { name = "Not Lower" });
        var status = new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor)))
            .Parse<Atom.Google.Rpc.Status>(await bad.Content.ReadAsStringAsync());

        Assert.Equal(("rest-room", "Over REST", RoomVisibility.Private, RoomRole.Owner, 2), (room.Name, room.DisplayName, room.Visibility, room.CallerRole, room.MemberCount));
        Assert.Equal([room.Id], rooms.Select(r => r.Id));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.Equal("name", status.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations.Single().Field);
        Assert.Equal(room.Id, (await team["bob"].GetRoomAsync("rest-room")).Id);
    }
}
