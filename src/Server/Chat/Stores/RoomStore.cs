using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Atom.Server.Chat.Internal;
using Atom.Server.Storage;
using Atom.V1;
using Dapper;
using static Atom.Server.Chat.Internal.ChatStoreSupport;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;
using RoomEventKind = Atom.V1.RoomEvent.KindOneofCase;

namespace Atom.Server.Chat.Stores;

/// <summary>
/// Rooms of a tenant, their members and invitations. Membership changes and room updates append their event to
/// the room's log (<see cref="RoomEventLog"/>) in the same transaction; creating a room appends nothing (its log
/// starts empty) and deleting one deletes its log with everything else in it. Access rules (who may see, join or
/// change a room) are the service's: the store only keeps the facts.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class RoomStore(AtomDatabase database, TimeProvider time)
{
    private const string RoomColumns =
        "r.id AS Id, r.tenant_id AS TenantId, r.name AS Name, r.display_name AS DisplayName, r.topic AS Topic, r.visibility AS Visibility, " +
        "r.creator_id AS CreatorId, r.last_sequence AS LastSequence, r.created_at AS CreatedAt, r.updated_at AS UpdatedAt, r.archived_at AS ArchivedAt, " +
        "(SELECT count(*) FROM room_members n WHERE n.tenant_id = r.tenant_id AND n.room_id = r.id) AS MemberCount, v.role AS ViewerRole";

    // The reader's own membership, if any: it decides what they see and is their role in the answer.
    private const string RoomsWithViewer =
        "rooms r LEFT JOIN room_members v ON v.tenant_id = r.tenant_id AND v.room_id = r.id AND v.user_id = @viewerId";

    private const string MemberColumns =
        "room_id AS RoomId, user_id AS UserId, role AS Role, joined_at AS JoinedAt, last_read_sequence AS LastReadSequence, read_at AS ReadAt";

    private const string InvitationColumns =
        "i.id AS Id, i.room_id AS RoomId, r.display_name AS RoomDisplayName, i.inviter_id AS InviterId, i.invitee_id AS InviteeId, i.role AS Role, " +
        "i.created_at AS CreatedAt, i.expires_at AS ExpiresAt";

    /// <summary>Creates a public or private room with its creator as owner and the initial members, in one transaction.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="room">The new room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room, as its creator sees it.</returns>
    /// <exception cref="AlreadyExistsException">The name is taken in the tenant (case-insensitively).</exception>
    public Task<Room> CreateAsync(string tenantId, NewRoom room, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => CreateAsync(c, t, tenantId, room), cancellationToken);

    /// <summary>Creates a room inside a transaction the caller runs (idempotent creates).</summary>
    internal async Task<Room> CreateAsync(DbConnection connection, DbTransaction transaction, string tenantId, NewRoom room)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentException.ThrowIfNullOrWhiteSpace(room.Name);
        ArgumentException.ThrowIfNullOrEmpty(room.CreatorId);
        if (room.Visibility is not (RoomVisibility.Public or RoomVisibility.Private))
        {
            throw new ArgumentException("A room is created public or private; direct rooms are opened with OpenDirectAsync.", nameof(room));
        }

        var id = NewId();
        var now = Ms(time.GetUtcNow());
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO rooms (tenant_id, id, name, display_name, topic, visibility, creator_id, created_at, updated_at) " +
                "VALUES (@tenantId, @id, @Name, @DisplayName, @Topic, @visibility, @CreatorId, @now, @now)",
                new { tenantId, id, room.Name, room.DisplayName, room.Topic, visibility = VisibilityName(room.Visibility), room.CreatorId, now }, transaction);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("room", "name", room.Name, e);
        }

        await InsertMembersAsync(connection, transaction, tenantId, id, room.MemberIds.Where(m => m != room.CreatorId).Select(m => (m, RoomRole.Member)).Prepend((room.CreatorId, RoomRole.Owner)), now);
        return (await ReadAsync(connection, transaction, tenantId, id, room.CreatorId))!;
    }

    /// <summary>
    /// Gets the direct room of exactly these users, creating it on first use: the same room whatever the order the
    /// users are named in or who opens it. Every member of a direct room has the member role.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="openerId">Who opens it; always one of its members.</param>
    /// <param name="otherUserIds">The other members.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room as the opener sees it, and whether this call created it.</returns>
    public async Task<(Room Room, bool Created)> OpenDirectAsync(string tenantId, string openerId, IReadOnlyCollection<string> otherUserIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(openerId);
        ArgumentNullException.ThrowIfNull(otherUserIds);
        var members = otherUserIds.Append(openerId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var key = string.Join(',', members);
        try
        {
            return await database.InTenantAsync(tenantId, async (c, t) =>
            {
                if (await FindDirectAsync(c, t, tenantId, key, openerId) is { } existing)
                {
                    return (existing, false);
                }

                var id = NewId();
                var now = Ms(time.GetUtcNow());
                await c.ExecuteAsync(
                    "INSERT INTO rooms (tenant_id, id, name, display_name, topic, visibility, direct_key, creator_id, created_at, updated_at) " +
                    "VALUES (@tenantId, @id, '', '', '', 'direct', @key, @openerId, @now, @now)",
                    new { tenantId, id, key, openerId, now }, t);
                await InsertMembersAsync(c, t, tenantId, id, members.Select(m => (m, RoomRole.Member)), now);
                return ((await ReadAsync(c, t, tenantId, id, openerId))!, true);
            }, cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Two openers of the same conversation raced and the other one made the room: it is this one's too.
            var room = await database.InTenantAsync(tenantId, (c, t) => FindDirectAsync(c, t, tenantId, key, openerId), cancellationToken);
            if (room is null)
            {
                throw;
            }

            return (room, false);
        }
    }

    /// <summary>Gets a room by id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="viewerId">The reader, whose role the answer carries; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room, or null when the tenant has no such room.</returns>
    public Task<Room?> GetAsync(string tenantId, string roomId, string? viewerId = null, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, roomId, viewerId), cancellationToken);

    /// <summary>Gets a public or private room by its unique name, case-insensitively.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The name.</param>
    /// <param name="viewerId">The reader, whose role the answer carries; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room, or null.</returns>
    public Task<Room?> GetByNameAsync(string tenantId, string name, string? viewerId = null, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => Map(await c.QuerySingleOrDefaultAsync<RoomRow>(
            $"SELECT {RoomColumns} FROM {RoomsWithViewer} WHERE r.tenant_id = @tenantId AND r.visibility <> 'direct' AND {database.Dialect.CaseInsensitiveEquals("r.name", "@name")}",
            new { tenantId, name, viewerId = viewerId ?? string.Empty }, t)), cancellationToken);

    /// <summary>
    /// Lists the rooms a reader can see (the tenant's public rooms and the rooms they belong to), by name then id.
    /// Direct rooms have no name, so they come first, in the order they were opened.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="viewerId">The reader.</param>
    /// <param name="filter">Which rooms.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="InvalidPageTokenException">The page token belongs to another list, reader or filter.</exception>
    public Task<Page<Room>> ListAsync(string tenantId, string viewerId, RoomFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(viewerId);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var query = string.IsNullOrEmpty(filter.Query) ? null : filter.Query;
        var scope = $"rooms/{viewerId}/{(filter.JoinedOnly ? 'j' : '-')}{(filter.IncludeArchived ? 'a' : '-')}{(int)filter.Visibility}/" +
            (query is null ? string.Empty : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16]);
        var after = PageToken.Decode(scope, page.PageToken);
        var split = after?.LastIndexOf('\n') ?? -1;
        if (after is not null && split < 0)
        {
            throw new InvalidPageTokenException("is not a token this server issued.");
        }

        var size = page.EffectiveSize;
        var sql = new StringBuilder($"SELECT {RoomColumns} FROM {RoomsWithViewer} WHERE r.tenant_id = @tenantId AND (r.visibility = 'public' OR v.user_id IS NOT NULL)");
        sql.Append(filter.JoinedOnly ? " AND v.user_id IS NOT NULL" : string.Empty)
            .Append(filter.IncludeArchived ? string.Empty : " AND r.archived_at IS NULL")
            .Append(filter.Visibility == RoomVisibility.Unspecified ? string.Empty : " AND r.visibility = @visibility")
            .Append(query is null ? string.Empty : " AND (lower(r.name) LIKE @pattern ESCAPE '\\' OR lower(r.display_name) LIKE @pattern ESCAPE '\\')")
            .Append(after is null ? string.Empty : " AND (r.name > @afterName OR (r.name = @afterName AND r.id > @afterId))")
            .Append(" ORDER BY r.name, r.id LIMIT @limit");
        var parameters = new
        {
            tenantId,
            viewerId,
            visibility = filter.Visibility == RoomVisibility.Unspecified ? null : VisibilityName(filter.Visibility),
            pattern = query is null ? null : ContainsPattern(query),
            afterName = after?[..split],
            afterId = after?[(split + 1)..],
            limit = size + 1,
        };
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rooms = (await c.QueryAsync<RoomRow>(sql.ToString(), parameters, t)).Select(r => Map(r)!).ToList();
            return PageToken.ToPage(scope, rooms, size, r => r.Name + "\n" + r.Id);
        }, cancellationToken);
    }

    /// <summary>Changes a room's name, display name, topic or visibility, appending a <c>room_updated</c> event when anything changed.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="actorId">Who changes it.</param>
    /// <param name="payload">Builds the event from the room as it now is (without a reader's role).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room as the actor now sees it with the event, or null when the tenant has no such room.</returns>
    /// <exception cref="AlreadyExistsException">The new name is taken.</exception>
    /// <exception cref="ArgumentException">The change would make a room direct or a direct room something else, or rename a direct room.</exception>
    public Task<RoomChange<Room>?> UpdateAsync(string tenantId, string roomId, RoomUpdate update, string actorId, RoomEventPayload<Room> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return ChangeRoomAsync(tenantId, roomId, actorId, payload, current =>
        {
            var direct = current.Visibility == RoomVisibility.Direct;
            if ((update.Visibility is { } v && (v == RoomVisibility.Direct) != direct) || (direct && update.Name is not null && update.Name != current.Name))
            {
                throw new ArgumentException("A direct room stays direct and nameless, and no other room becomes direct.", nameof(update));
            }

            var next = current with
            {
                Name = update.Name ?? current.Name,
                DisplayName = update.DisplayName ?? current.DisplayName,
                Topic = update.Topic ?? current.Topic,
                Visibility = update.Visibility ?? current.Visibility,
            };
            if (next == current)
            {
                return null;
            }

            return async (c, t, now) =>
            {
                try
                {
                    await c.ExecuteAsync(
                        "UPDATE rooms SET name = @Name, display_name = @DisplayName, topic = @Topic, visibility = @visibility, updated_at = @now " +
                        "WHERE tenant_id = @tenantId AND id = @roomId",
                        new { tenantId, roomId, next.Name, next.DisplayName, next.Topic, visibility = VisibilityName(next.Visibility), now }, t);
                }
                catch (DbException e) when (IsUniqueViolation(e))
                {
                    throw new AlreadyExistsException("room", "name", next.Name, e);
                }
            };
        }, cancellationToken);
    }

    /// <summary>Archives a room (readable, nothing new said in it), appending a <c>room_updated</c> event unless it already was.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="actorId">Who archives it.</param>
    /// <param name="payload">Builds the event from the room as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room as the actor now sees it with the event, or null when the tenant has no such room.</returns>
    public Task<RoomChange<Room>?> ArchiveAsync(string tenantId, string roomId, string actorId, RoomEventPayload<Room> payload, CancellationToken cancellationToken = default) =>
        SetArchivedAsync(tenantId, roomId, archived: true, actorId, payload, cancellationToken);

    /// <summary>Brings an archived room back, appending a <c>room_updated</c> event unless it was not archived.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="actorId">Who unarchives it.</param>
    /// <param name="payload">Builds the event from the room as it now is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room as the actor now sees it with the event, or null when the tenant has no such room.</returns>
    public Task<RoomChange<Room>?> UnarchiveAsync(string tenantId, string roomId, string actorId, RoomEventPayload<Room> payload, CancellationToken cancellationToken = default) =>
        SetArchivedAsync(tenantId, roomId, archived: false, actorId, payload, cancellationToken);

    /// <summary>Deletes a room and everything in it: members, invitations, messages, reactions, edits, annotations and its event log.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the tenant has no such room.</returns>
    public Task<bool> DeleteAsync(string tenantId, string roomId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
            await c.ExecuteAsync("DELETE FROM rooms WHERE tenant_id = @tenantId AND id = @roomId", new { tenantId, roomId }, t) == 1, cancellationToken);

    /// <summary>Adds a member (joining, being added), appending a <c>membership_changed</c> event; a member already there stays as they are.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The new member.</param>
    /// <param name="role">Their role.</param>
    /// <param name="actorId">Who adds them (themselves when joining).</param>
    /// <param name="payload">Builds the event from the new member.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member, with the event unless they already were one; null when the tenant has no such room.</returns>
    public Task<RoomChange<RoomMember>?> AddMemberAsync(string tenantId, string roomId, string userId, RoomRole role, string actorId, RoomEventPayload<RoomMember> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (await RoomSequencer.LockAsync(c, t, tenantId, roomId) is null)
            {
                return null;
            }

            return await AddLockedMemberAsync(c, t, tenantId, roomId, userId, role, actorId, payload);
        }, cancellationToken);
    }

    /// <summary>Removes a member (leaving, being removed), appending a <c>membership_changed</c> event.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The member.</param>
    /// <param name="actorId">Who removes them (themselves when leaving).</param>
    /// <param name="payload">Builds the event from the former member, whose role is now unspecified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The former member (role unspecified) with the event, or null when they were not a member of such a room.</returns>
    public Task<RoomChange<RoomMember>?> RemoveMemberAsync(string tenantId, string roomId, string userId, string actorId, RoomEventPayload<RoomMember> payload, CancellationToken cancellationToken = default) =>
        ChangeMemberAsync(tenantId, roomId, userId, actorId, payload, async (c, t, member) =>
        {
            await c.ExecuteAsync("DELETE FROM room_members WHERE tenant_id = @tenantId AND room_id = @roomId AND user_id = @userId", new { tenantId, roomId, userId }, t);
            await EnsureAnOwnerRemainsAsync(c, t, tenantId, roomId);
            return member with { Role = RoomRole.Unspecified };
        }, unchangedWhen: null, cancellationToken);

    /// <summary>Changes a member's role, appending a <c>membership_changed</c> event unless it already was that role.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The member.</param>
    /// <param name="role">The new role.</param>
    /// <param name="actorId">Who changes it.</param>
    /// <param name="payload">Builds the event from the member as they now are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member as they now are, with the event if the role changed; null when they are not a member of such a room.</returns>
    public Task<RoomChange<RoomMember>?> SetMemberRoleAsync(string tenantId, string roomId, string userId, RoomRole role, string actorId, RoomEventPayload<RoomMember> payload, CancellationToken cancellationToken = default)
    {
        var roleName = RoomRoleName(role);
        return ChangeMemberAsync(tenantId, roomId, userId, actorId, payload, async (c, t, member) =>
        {
            await c.ExecuteAsync("UPDATE room_members SET role = @roleName WHERE tenant_id = @tenantId AND room_id = @roomId AND user_id = @userId",
                new { tenantId, roomId, userId, roleName }, t);
            await EnsureAnOwnerRemainsAsync(c, t, tenantId, roomId);
            return member with { Role = role };
        }, member => member.Role == role, cancellationToken);
    }

    /// <summary>Gets one member of a room.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member, or null when the user is not a member of such a room.</returns>
    public Task<RoomMember?> GetMemberAsync(string tenantId, string roomId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadMemberAsync(c, t, tenantId, roomId, userId), cancellationToken);

    /// <summary>Lists a room's members by user id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; empty when the tenant has no such room.</returns>
    public Task<Page<RoomMember>> ListMembersAsync(string tenantId, string roomId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var scope = "room_members/" + roomId;
        var after = PageToken.Decode(scope, page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = await c.QueryAsync<MemberRow>(
                $"SELECT {MemberColumns} FROM room_members WHERE tenant_id = @tenantId AND room_id = @roomId " +
                (after is null ? string.Empty : "AND user_id > @after ") + "ORDER BY user_id LIMIT @limit",
                new { tenantId, roomId, after, limit = size + 1 }, t);
            return PageToken.ToPage(scope, rows.Select(Map).ToList(), size, m => m.UserId);
        }, cancellationToken);
    }

    /// <summary>The user ids of a room's members (whom its events go to).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids, ascending; empty when the tenant has no such room.</returns>
    public Task<IReadOnlyList<string>> MemberIdsAsync(string tenantId, string roomId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<string>>(tenantId, async (c, t) => (await c.QueryAsync<string>(
            "SELECT user_id FROM room_members WHERE tenant_id = @tenantId AND room_id = @roomId ORDER BY user_id", new { tenantId, roomId }, t)).ToList(), cancellationToken);

    /// <summary>The ids of the rooms a user is a member of.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The room ids, ascending.</returns>
    public Task<IReadOnlyList<string>> RoomIdsOfAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<string>>(tenantId, async (c, t) => (await c.QueryAsync<string>(
            "SELECT room_id FROM room_members WHERE tenant_id = @tenantId AND user_id = @userId ORDER BY room_id", new { tenantId, userId }, t)).ToList(), cancellationToken);

    /// <summary>Invites a user to a room. A lapsed invitation of the same user to the same room is marked expired first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="inviterId">Who invites.</param>
    /// <param name="inviteeId">Who is invited.</param>
    /// <param name="role">The role they get on accepting.</param>
    /// <param name="expiresAt">When the invitation lapses.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The invitation, or null when the tenant has no such room.</returns>
    /// <exception cref="AlreadyExistsException">The user already has a pending invitation to the room.</exception>
    public Task<Invitation?> CreateInvitationAsync(string tenantId, string roomId, string inviterId, string inviteeId, RoomRole role, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inviteeId);
        var roleName = RoomRoleName(role);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var roomName = await c.QuerySingleOrDefaultAsync<string>("SELECT display_name FROM rooms WHERE tenant_id = @tenantId AND id = @roomId", new { tenantId, roomId }, t);
            if (roomName is null)
            {
                return null;
            }

            var now = Now();
            await c.ExecuteAsync(
                "UPDATE room_invitations SET state = 'expired' WHERE tenant_id = @tenantId AND room_id = @roomId AND invitee_id = @inviteeId " +
                "AND state = 'pending' AND expires_at <= @now",
                new { tenantId, roomId, inviteeId, now = Ms(now) }, t);
            var invitation = new Invitation(NewId(), roomId, roomName, inviterId, inviteeId, role, now, Time(Ms(expiresAt)));
            try
            {
                await c.ExecuteAsync(
                    "INSERT INTO room_invitations (tenant_id, id, room_id, inviter_id, invitee_id, role, created_at, expires_at) " +
                    "VALUES (@tenantId, @Id, @RoomId, @InviterId, @InviteeId, @roleName, @createdAt, @expiresAt)",
                    new { tenantId, invitation.Id, invitation.RoomId, invitation.InviterId, invitation.InviteeId, roleName, createdAt = Ms(invitation.CreatedAt), expiresAt = Ms(invitation.ExpiresAt) }, t);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                throw new AlreadyExistsException("invitation", "user_id", inviteeId, e);
            }

            return invitation;
        }, cancellationToken);
    }

    /// <summary>Lists a user's pending invitations that have not lapsed, by id (the order they were made).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="inviteeId">The user.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Invitation>> ListInvitationsAsync(string tenantId, string inviteeId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var scope = "invitations/" + inviteeId;
        var after = PageToken.Decode(scope, page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = await c.QueryAsync<InvitationRow>(
                $"SELECT {InvitationColumns} FROM room_invitations i JOIN rooms r ON r.tenant_id = i.tenant_id AND r.id = i.room_id " +
                "WHERE i.tenant_id = @tenantId AND i.invitee_id = @inviteeId AND i.state = 'pending' AND i.expires_at > @now " +
                (after is null ? string.Empty : "AND i.id > @after ") + "ORDER BY i.id LIMIT @limit",
                new { tenantId, inviteeId, now = Ms(time.GetUtcNow()), after, limit = size + 1 }, t);
            return PageToken.ToPage(scope, rows.Select(Map).ToList(), size, i => i.Id);
        }, cancellationToken);
    }

    /// <summary>
    /// Accepts a pending invitation: marks it accepted and makes the invitee a member with the invited role, appending a
    /// <c>membership_changed</c> event, all in one transaction. Someone already a member keeps their role.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="inviteeId">Who accepts; only the invitee can.</param>
    /// <param name="payload">Builds the event from the new member.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member, with the event unless they already were one; null when the invitee has no such pending, unexpired invitation.</returns>
    public Task<RoomChange<RoomMember>?> AcceptInvitationAsync(string tenantId, string invitationId, string inviteeId, RoomEventPayload<RoomMember> payload, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var now = Ms(time.GetUtcNow());
            var invitation = await c.QuerySingleOrDefaultAsync<InvitationRow>(
                "SELECT room_id AS RoomId, role AS Role FROM room_invitations WHERE tenant_id = @tenantId AND id = @invitationId AND invitee_id = @inviteeId " +
                "AND state = 'pending' AND expires_at > @now",
                new { tenantId, invitationId, inviteeId, now }, t);
            if (invitation is null || await RoomSequencer.LockAsync(c, t, tenantId, invitation.RoomId) is null)
            {
                return null;
            }

            // Under the room's lock, so of two accepts of one invitation exactly one marks it.
            if (await c.ExecuteAsync(
                    "UPDATE room_invitations SET state = 'accepted', answered_at = @now WHERE tenant_id = @tenantId AND id = @invitationId AND state = 'pending'",
                    new { tenantId, invitationId, now }, t) == 0)
            {
                return null;
            }

            return await AddLockedMemberAsync(c, t, tenantId, invitation.RoomId, inviteeId, ParseRoomRole(invitation.Role), inviteeId, payload);
        }, cancellationToken);

    /// <summary>Declines a pending invitation.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="inviteeId">Who declines; only the invitee can.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the invitee has no such pending invitation.</returns>
    public Task<bool> DeclineInvitationAsync(string tenantId, string invitationId, string inviteeId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "UPDATE room_invitations SET state = 'declined', answered_at = @now WHERE tenant_id = @tenantId AND id = @invitationId AND invitee_id = @inviteeId AND state = 'pending'",
            new { tenantId, invitationId, inviteeId, now = Ms(time.GetUtcNow()) }, t) == 1, cancellationToken);

    /// <summary>Marks the tenant's lapsed pending invitations expired (they are already neither listed nor acceptable; this tidies).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were marked.</returns>
    public Task<int> ExpireInvitationsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => c.ExecuteAsync(
            "UPDATE room_invitations SET state = 'expired' WHERE tenant_id = @tenantId AND state = 'pending' AND expires_at <= @now",
            new { tenantId, now = Ms(time.GetUtcNow()) }, t), cancellationToken);

    private DateTimeOffset Now() => Time(Ms(time.GetUtcNow()));

    private Task<RoomChange<Room>?> SetArchivedAsync(string tenantId, string roomId, bool archived, string actorId, RoomEventPayload<Room> payload, CancellationToken cancellationToken) =>
        ChangeRoomAsync(tenantId, roomId, actorId, payload, current => current.IsArchived == archived
            ? null
            : (c, t, now) => c.ExecuteAsync(
                "UPDATE rooms SET archived_at = @archivedAt, updated_at = @now WHERE tenant_id = @tenantId AND id = @roomId",
                new { tenantId, roomId, archivedAt = archived ? now : (long?)null, now }, t), cancellationToken);

    /// <summary>
    /// The shape of every room change: lock the room, read it, and when <paramref name="plan"/> finds something to
    /// change, apply it (given the time in unix ms) and append <c>room_updated</c>.
    /// </summary>
    private Task<RoomChange<Room>?> ChangeRoomAsync(
        string tenantId,
        string roomId,
        string actorId,
        RoomEventPayload<Room> payload,
        Func<Room, Func<DbConnection, DbTransaction, long, Task>?> plan,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (await RoomSequencer.LockAsync(c, t, tenantId, roomId) is null)
            {
                return null;
            }

            var current = (await ReadAsync(c, t, tenantId, roomId, actorId))!;
            if (plan(current) is not { } apply)
            {
                return new RoomChange<Room>(current, null);
            }

            var now = Now();
            return await RoomSequencer.AppendAsync(c, t, tenantId, roomId, RoomEventKind.RoomUpdated, actorId, now,
                async _ =>
                {
                    await apply(c, t, Ms(now));
                    return ((await ReadAsync(c, t, tenantId, roomId, actorId))!, (string?)null);
                },
                (room, stamp) => payload(room with { ViewerRole = RoomRole.Unspecified }, stamp));
        }, cancellationToken);
    }

    /// <summary>
    /// Under the room lock, after a membership change: a public or private room with members must keep an owner. The
    /// API checks this first for a clear message; this check closes the race of two owners leaving at once.
    /// </summary>
    private static async Task EnsureAnOwnerRemainsAsync(DbConnection c, DbTransaction t, string tenantId, string roomId)
    {
        var counts = await c.QuerySingleAsync<(long Members, long Owners)>(
            "SELECT count(*) AS Members, count(CASE WHEN m.role = 'owner' THEN 1 END) AS Owners FROM room_members m " +
            "JOIN rooms r ON r.tenant_id = m.tenant_id AND r.id = m.room_id " +
            "WHERE m.tenant_id = @tenantId AND m.room_id = @roomId AND r.visibility <> 'direct'",
            new { tenantId, roomId }, t);
        if (counts.Members > 0 && counts.Owners == 0)
        {
            throw new LastOwnerException(roomId);
        }
    }

    private Task<RoomChange<RoomMember>?> ChangeMemberAsync(
        string tenantId,
        string roomId,
        string userId,
        string actorId,
        RoomEventPayload<RoomMember> payload,
        Func<DbConnection, DbTransaction, RoomMember, Task<RoomMember>> apply,
        Func<RoomMember, bool>? unchangedWhen,
        CancellationToken cancellationToken) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (await RoomSequencer.LockAsync(c, t, tenantId, roomId) is null || await ReadMemberAsync(c, t, tenantId, roomId, userId) is not { } member)
            {
                return null;
            }

            if (unchangedWhen?.Invoke(member) == true)
            {
                return new RoomChange<RoomMember>(member, null);
            }

            return await RoomSequencer.AppendAsync(c, t, tenantId, roomId, RoomEventKind.MembershipChanged, actorId, Now(),
                async _ => (await apply(c, t, member), (string?)null), payload);
        }, cancellationToken);

    private async Task<RoomChange<RoomMember>> AddLockedMemberAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string userId, RoomRole role, string actorId, RoomEventPayload<RoomMember> payload)
    {
        if (await ReadMemberAsync(c, t, tenantId, roomId, userId) is { } existing)
        {
            return new RoomChange<RoomMember>(existing, null);
        }

        var now = Now();
        return await RoomSequencer.AppendAsync(c, t, tenantId, roomId, RoomEventKind.MembershipChanged, actorId, now, async _ =>
        {
            await InsertMembersAsync(c, t, tenantId, roomId, [(userId, role)], Ms(now));
            return (new RoomMember(roomId, userId, role, now, 0, null), (string?)null);
        }, payload);
    }

    private static async Task InsertMembersAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, IEnumerable<(string UserId, RoomRole Role)> members, long now)
    {
        foreach (var (userId, role) in members.DistinctBy(m => m.UserId))
        {
            ArgumentException.ThrowIfNullOrEmpty(userId);
            await c.ExecuteAsync(
                "INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at) VALUES (@tenantId, @roomId, @userId, @role, @now)",
                new { tenantId, roomId, userId, role = RoomRoleName(role), now }, t);
        }
    }

    private static async Task<Room?> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string? viewerId) =>
        Map(await c.QuerySingleOrDefaultAsync<RoomRow>(
            $"SELECT {RoomColumns} FROM {RoomsWithViewer} WHERE r.tenant_id = @tenantId AND r.id = @roomId",
            new { tenantId, roomId, viewerId = viewerId ?? string.Empty }, t));

    private static async Task<Room?> FindDirectAsync(DbConnection c, DbTransaction t, string tenantId, string key, string viewerId) =>
        Map(await c.QuerySingleOrDefaultAsync<RoomRow>(
            $"SELECT {RoomColumns} FROM {RoomsWithViewer} WHERE r.tenant_id = @tenantId AND r.direct_key = @key",
            new { tenantId, key, viewerId }, t));

    private static async Task<RoomMember?> ReadMemberAsync(DbConnection c, DbTransaction t, string tenantId, string roomId, string userId)
    {
        var row = await c.QuerySingleOrDefaultAsync<MemberRow>(
            $"SELECT {MemberColumns} FROM room_members WHERE tenant_id = @tenantId AND room_id = @roomId AND user_id = @userId", new { tenantId, roomId, userId }, t);
        return row is null ? null : Map(row);
    }

    private static Room? Map(RoomRow? r) => r is null ? null : new Room(
        r.Id, r.TenantId, r.Name, r.DisplayName, r.Topic, ParseVisibility(r.Visibility), r.CreatorId, r.LastSequence, (int)r.MemberCount,
        ParseRoomRole(r.ViewerRole), Time(r.CreatedAt), Time(r.UpdatedAt), Time(r.ArchivedAt));

    private static RoomMember Map(MemberRow r) => new(r.RoomId, r.UserId, ParseRoomRole(r.Role), Time(r.JoinedAt), r.LastReadSequence, Time(r.ReadAt));

    private static Invitation Map(InvitationRow r) =>
        new(r.Id, r.RoomId, r.RoomDisplayName, r.InviterId, r.InviteeId, ParseRoomRole(r.Role), Time(r.CreatedAt), Time(r.ExpiresAt));

    private sealed class RoomRow
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public string Topic { get; set; } = string.Empty;

        public string Visibility { get; set; } = string.Empty;

        public string CreatorId { get; set; } = string.Empty;

        public long LastSequence { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public long? ArchivedAt { get; set; }

        public long MemberCount { get; set; }

        public string? ViewerRole { get; set; }
    }

    private sealed class MemberRow
    {
        public string RoomId { get; set; } = string.Empty;

        public string UserId { get; set; } = string.Empty;

        public string Role { get; set; } = string.Empty;

        public long JoinedAt { get; set; }

        public long LastReadSequence { get; set; }

        public long? ReadAt { get; set; }
    }

    private sealed class InvitationRow
    {
        public string Id { get; set; } = string.Empty;

        public string RoomId { get; set; } = string.Empty;

        public string RoomDisplayName { get; set; } = string.Empty;

        public string InviterId { get; set; } = string.Empty;

        public string InviteeId { get; set; } = string.Empty;

        public string Role { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long ExpiresAt { get; set; }
    }
}
