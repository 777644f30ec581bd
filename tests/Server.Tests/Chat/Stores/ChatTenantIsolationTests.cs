using Atom.Server.Chat;
using Atom.Server.Storage;
using Atom.Server.Tests.Storage;
using Dapper;
using RoomRole = Atom.V1.RoomRole;
using RoomVisibility = Atom.V1.RoomVisibility;

namespace Atom.Server.Tests.Chat.Stores;

/// <summary>Tenant A's calls never see or change tenant B's chat, even naming B's ids; on PostgreSQL row-level security holds without the filters.</summary>
public sealed class ChatTenantIsolationTests
{
    private static readonly string[] ChatTables =
        ["rooms", "room_members", "room_invitations", "room_events", "messages", "message_edits", "message_reactions", "annotations", "annotation_comments"];

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Guessing_another_tenants_ids_finds_and_changes_nothing(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        var (a, b) = (context.A.Id, context.B.Id);
        var seeded = await SeedAsync(context, b);
        var (direct, _) = await context.Rooms.OpenDirectAsync(b, "alice", ["bob"]);
        var (room, message, note, invitation) = seeded;

        Assert.Null(await context.Rooms.GetAsync(a, room.Id, "alice"));
        Assert.Null(await context.Rooms.GetAsync(a, direct.Id, "alice"));
        Assert.Null(await context.Rooms.GetByNameAsync(a, room.Name));
        Assert.Empty((await context.Rooms.ListAsync(a, "alice", new RoomFilter(IncludeArchived: true), PageRequest.First)).Items);
        Assert.Null(await context.Rooms.UpdateAsync(a, room.Id, new RoomUpdate(Topic: "pwned"), "alice", Events.RoomUpdated));
        Assert.Null(await context.Rooms.ArchiveAsync(a, room.Id, "alice", Events.RoomUpdated));
        Assert.False(await context.Rooms.DeleteAsync(a, room.Id));
        Assert.Null(await context.Rooms.AddMemberAsync(a, room.Id, "mallory", RoomRole.Owner, "mallory", Events.Membership));
        Assert.Null(await context.Rooms.RemoveMemberAsync(a, room.Id, "bob", "mallory", Events.Membership));
        Assert.Null(await context.Rooms.SetMemberRoleAsync(a, room.Id, "alice", RoomRole.Viewer, "mallory", Events.Membership));
        Assert.Null(await context.Rooms.GetMemberAsync(a, room.Id, "alice"));
        Assert.Empty((await context.Rooms.ListMembersAsync(a, room.Id, PageRequest.First)).Items);
        Assert.Empty(await context.Rooms.MemberIdsAsync(a, room.Id));
        Assert.Empty(await context.Rooms.RoomIdsOfAsync(a, "alice"));
        Assert.Null(await context.Rooms.CreateInvitationAsync(a, room.Id, "mallory", "mallory", RoomRole.Owner, context.Clock.Now.AddDays(1)));
        Assert.Empty((await context.Rooms.ListInvitationsAsync(a, "carol", PageRequest.First)).Items);
        Assert.Null(await context.Rooms.AcceptInvitationAsync(a, invitation.Id, "carol", Events.Membership));
        Assert.False(await context.Rooms.DeclineInvitationAsync(a, invitation.Id, "carol"));

        Assert.Null(await context.Messages.PostAsync(a, room.Id, new NewMessage("mallory", "pwned", [], []), Events.Posted));
        Assert.Null(await context.Messages.GetAsync(a, room.Id, message.Id));
        Assert.Null(await context.Messages.EditAsync(a, room.Id, message.Id, "mallory", "pwned", Events.Edited));
        Assert.Null(await context.Messages.DeleteAsync(a, room.Id, message.Id, "mallory", Events.Deleted));
        Assert.Null(await context.Messages.AddReactionAsync(a, room.Id, message.Id, "mallory", ":x:", Events.Reactions));
        Assert.Null(await context.Messages.RemoveReactionAsync(a, room.Id, message.Id, "bob", ":+1:", Events.Reactions));
        Assert.Null(await context.Messages.PinAsync(a, room.Id, message.Id, "mallory", Events.Pin));
        Assert.Empty((await context.Messages.ListAsync(a, room.Id, 0, 0)).Messages);
        Assert.Empty(await context.Messages.ListEditsAsync(a, room.Id, message.Id));
        Assert.Empty(await context.Messages.ListPinnedAsync(a, room.Id));
        Assert.Null(await context.Messages.MarkReadAsync(a, room.Id, "alice", 1));
        Assert.Empty(await context.Messages.ListReceiptsAsync(a, room.Id));
        Assert.Empty(await context.Log.ReadAsync(a, room.Id, 0, 100));
        Assert.Null(await context.Log.LastSequenceAsync(a, room.Id));

        Assert.Null(await context.Annotations.CreateAsync(a, room.Id, message.Id, "mallory", 0, 0, "pwned"));
        Assert.Null(await context.Annotations.GetAsync(a, room.Id, note.Id));
        Assert.Empty(await context.Annotations.ListAsync(a, room.Id, message.Id, includeResolved: true));
        Assert.Null(await context.Annotations.AddCommentAsync(a, room.Id, note.Id, "mallory", "pwned"));
        Assert.Null(await context.Annotations.SetResolvedAsync(a, room.Id, note.Id, true, "mallory"));
        Assert.False(await context.Annotations.DeleteAsync(a, room.Id, note.Id));
        Assert.NotEqual(direct.Id, (await context.Rooms.OpenDirectAsync(a, "alice", ["bob"])).Room.Id); // the same people in A have their own room

        // B is untouched.
        var bRoom = (await context.Rooms.GetAsync(b, room.Id, "alice"))!;
        Assert.Equal(("about general", false, 3L, RoomRole.Owner, 2), (bRoom.Topic, bRoom.IsArchived, bRoom.LastSequence, bRoom.ViewerRole, bRoom.MemberCount));
        var bMessage = (await context.Messages.GetAsync(b, room.Id, message.Id))!;
        Assert.Equal(("hello, edited", ":+1:", false), (bMessage.Text, bMessage.Reactions.Single().Emoji, bMessage.IsPinned));
        Assert.Single((await context.Annotations.GetAsync(b, room.Id, note.Id))!.Comments);
        Assert.Single((await context.Rooms.ListInvitationsAsync(b, "carol", PageRequest.First)).Items);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Without_a_tenant_filter_only_row_level_security_hides_another_tenant(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        await SeedAsync(context, context.A.Id);
        var inB = await SeedAsync(context, context.B.Id);
        var perTenant = new Dictionary<string, long>
        {
            ["rooms"] = 1, ["room_members"] = 2, ["room_invitations"] = 1, ["room_events"] = 3, ["messages"] = 1,
            ["message_edits"] = 1, ["message_reactions"] = 1, ["annotations"] = 1, ["annotation_comments"] = 1,
        };

        // Deliberately no WHERE tenant_id.
        var seen = await context.Database.InTenantAsync(context.A.Id, async (c, t) =>
        {
            var counts = new Dictionary<string, long>();
            foreach (var table in ChatTables)
            {
                counts[table] = await c.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}", transaction: t);
            }

            return counts;
        });

        if (context.Database.Dialect.HasRowLevelSecurity)
        {
            Assert.Equal(perTenant, seen);
            var updated = await context.Database.InTenantAsync(context.A.Id, (c, t) => c.ExecuteAsync("UPDATE messages SET text = 'pwned'", transaction: t));
            Assert.Equal(1, updated);
            var forged = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => context.Database.InTenantAsync(context.A.Id, (c, t) => c.ExecuteAsync(
                "INSERT INTO room_events (tenant_id, room_id, sequence, kind, actor_id, payload, created_at) VALUES (@tenant, @room, 4, 'room_updated', 'mallory', @payload, 0)",
                new { tenant = context.B.Id, room = inB.Room.Id, payload = new byte[] { 1 } }, t)));
            Assert.Equal("42501", forged.SqlState); // new row violates row-level security policy
        }
        else
        {
            // SQLite has no row-level security: there the stores' own tenant filters are the only guard, which is
            // why every chat query carries one (and the test above proves they do).
            Assert.Equal(perTenant.ToDictionary(x => x.Key, x => x.Value * 2), seen);
        }

        Assert.Equal("hello, edited", (await context.Messages.GetAsync(context.B.Id, inB.Room.Id, inB.Message.Id))!.Text);
        Assert.Equal([1L, 2, 3], (await context.EventsAsync(inB.Room)).Select(e => e.Sequence));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Every_chat_table_carries_tenant_id_and_on_postgres_forced_row_level_security(string provider)
    {
        await using var context = await ChatTestContext.CreateAsync(provider);
        foreach (var table in ChatTables)
        {
            var columns = await context.Database.AsPlatformAsync(async (c, t) => (await c.QueryAsync<string>(
                context.Database.Dialect.HasRowLevelSecurity
                    ? "SELECT column_name FROM information_schema.columns WHERE table_name = @table"
                    : "SELECT name FROM pragma_table_info(@table)",
                new { table }, t)).ToList());
            Assert.Contains("tenant_id", columns);
        }

        if (context.Database.Dialect.HasRowLevelSecurity)
        {
            var tables = await context.Database.AsPlatformAsync(async (c, t) => (await c.QueryAsync<(string Name, bool Enabled, bool Forced)>(
                "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname = ANY(@names)",
                new { names = ChatTables }, t)).ToList());
            Assert.Equal(ChatTables.Order(), tables.Select(x => x.Name).Order());
            Assert.All(tables, x => Assert.True(x.Enabled && x.Forced, x.Name));
        }
    }

    /// <summary>One of everything in a tenant: a room (alice owner, bob member) with a message edited and reacted to, an annotation with a comment, an invitation.</summary>
    private static async Task<(Room Room, StoredMessage Message, Annotation Note, Invitation Invitation)> SeedAsync(ChatTestContext context, string tenantId)
    {
        var room = await context.CreateRoomAsync("general", "alice", RoomVisibility.Private, tenantId, "bob");
        var message = await context.PostAsync(room, "alice", "hello");
        await context.Messages.EditAsync(tenantId, room.Id, message.Id, "alice", "hello, edited", Events.Edited);
        await context.Messages.AddReactionAsync(tenantId, room.Id, message.Id, "bob", ":+1:", Events.Reactions);
        var note = (await context.Annotations.CreateAsync(tenantId, room.Id, message.Id, "bob", 0, 5, "nice"))!;
        await context.Annotations.AddCommentAsync(tenantId, room.Id, note.Id, "alice", "thanks");
        var invitation = (await context.Rooms.CreateInvitationAsync(tenantId, room.Id, "alice", "carol", RoomRole.Member, context.Clock.Now.AddDays(1)))!;
        return (room, message, note, invitation);
    }
}
