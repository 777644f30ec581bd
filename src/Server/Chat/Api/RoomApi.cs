using Atom.Sdk;
using Atom.Server.Chat.Api.Internal;
using Atom.Server.Chat.Stores;
using Atom.Server.Chat.Streaming;
using Atom.Server.Identity;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.Server.Storage;
using Atom.V1;

namespace Atom.Server.Chat.Api;

/// <summary>
/// Implements atom.v1.RoomService: the rooms of the caller's tenant, their members and invitations. Room roles are
/// checked by <see cref="RoomGate"/>; every change that appends a room event is delivered live once it committed.
/// </summary>
/// <remarks>
/// Internal because it takes the internal <see cref="RoomGate"/>; clients know it by its contract only.
/// Rules beyond the contract: a public or private room always keeps an owner (the last one can neither leave,
/// be removed nor step down), a direct room's members are fixed, and only active users of the tenant are put in
/// rooms (unknown or another tenant's: NOT_FOUND; disabled: FAILED_PRECONDITION).
/// </remarks>
/// <param name="rooms">The rooms.</param>
/// <param name="gate">Who may do what in a room.</param>
/// <param name="fanout">Live delivery.</param>
/// <param name="users">The tenant's users, whom rooms are made of.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="time">The clock, for invitation expiry.</param>
internal sealed class RoomApi(RoomStore rooms, RoomGate gate, RoomFanout fanout, UserStore users, IdempotentCreates creates, TimeProvider time) : RoomServiceBase
{
    /// <summary>How long an invitation waits for its answer.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    // Enough to walk a room's members or a user's invitations in few round trips.
    private const int WalkPageSize = PageToken.MaxPageSize;

    /// <inheritdoc />
    public override async Task<CreateRoomResponse> CreateRoom(CreateRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var name = RoomRules.Name("name", request.Name);
        var displayName = RequestRules.DisplayName("display_name", request.DisplayName, name);
        var topic = RoomRules.Topic("topic", request.Topic);
        var visibility = RoomRules.NewVisibility("visibility", request.Visibility);
        var memberIds = RoomRules.UserIds("member_ids", request.MemberIds, 0, RoomRules.MaxInitialMembers);
        RequestRules.RequestId(request.RequestId);
        foreach (var memberId in memberIds.Where(id => id != caller.PrincipalId))
        {
            await RequireActiveUserAsync(caller, memberId, context.CancellationToken);
        }

        var (reply, _) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var room = await rooms.CreateAsync(c, t, caller.TenantId, new NewRoom(name, displayName, topic, visibility, caller.PrincipalId, memberIds));
            return new CreateRoomResponse { Room = room.ToProto() };
        });
        return reply;
    }

    /// <inheritdoc />
    public override async Task<GetRoomResponse> GetRoom(GetRoomRequest request, ServerCallContext context) =>
        new() { Room = (await gate.ReadableAsync(context.GetCaller(), request.RoomId, context.CancellationToken)).ToProto() };

    /// <inheritdoc />
    public override async Task<ListRoomsResponse> ListRooms(ListRoomsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = RequestRules.Page(request.PageSize, request.PageToken);
        var filter = new RoomFilter(
            request.JoinedOnly,
            request.IncludeArchived,
            RoomRules.VisibilityFilter("visibility", request.Visibility),
            RoomRules.Query("query", request.Query));
        var found = await rooms.ListAsync(caller.TenantId, caller.PrincipalId, filter, page, context.CancellationToken);
        return new ListRoomsResponse { Rooms = { found.Items.Select(r => r.ToProto()) }, NextPageToken = found.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<UpdateRoomResponse> UpdateRoom(UpdateRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var wanted = request.Room ?? throw AtomErrors.InvalidField("room", "is required.");
        var roomId = RoomGate.RoomId(wanted.Id, "room.id");

        // Without a mask, the fields given (non-empty) are the ones to change, as AIP-134 has it.
        var paths = request.UpdateMask?.Paths.Count > 0
            ? request.UpdateMask.Paths.ToList()
            : [.. new[]
            {
                ("name", wanted.Name.Length > 0), ("display_name", wanted.DisplayName.Length > 0), ("topic", wanted.Topic.Length > 0),
                ("visibility", wanted.Visibility != RoomVisibility.Unspecified),
            }.Where(p => p.Item2).Select(p => p.Item1)];
        string? name = null, displayName = null, topic = null;
        RoomVisibility? visibility = null;
        foreach (var path in paths)
        {
            switch (path)
            {
                case "name":
                    name = RoomRules.Name("room.name", wanted.Name);
                    break;
                case "display_name":
                    displayName = RequestRules.DisplayName("room.display_name", wanted.DisplayName, string.Empty);
                    break;
                case "topic":
                    topic = RoomRules.Topic("room.topic", wanted.Topic);
                    break;
                case "visibility":
                    visibility = wanted.Visibility == RoomVisibility.Unspecified
                        ? throw AtomErrors.InvalidField("room.visibility", "is required when update_mask names it: use ROOM_VISIBILITY_PUBLIC or ROOM_VISIBILITY_PRIVATE.")
                        : RoomRules.NewVisibility("room.visibility", wanted.Visibility);
                    break;
                default:
                    throw AtomErrors.InvalidField("update_mask", $"'{path}' cannot be changed: the fields are name, display_name, topic and visibility.");
            }
        }

        if (paths.Count == 0)
        {
            throw AtomErrors.InvalidField("update_mask", "names nothing to change: use name, display_name, topic and/or visibility.");
        }

        var room = await gate.WithRoleAsync(caller, roomId, RoomRole.Moderator, "Changing a room", context.CancellationToken);

        // An empty display name falls back to the name, as at creation: a room always shows something.
        var update = new RoomUpdate(name, displayName is { Length: 0 } ? name ?? room.Name : displayName, topic, visibility);
        var change = await rooms.UpdateAsync(caller.TenantId, room.Id, update, caller.PrincipalId, RoomEvents.RoomUpdated, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", roomId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new UpdateRoomResponse { Room = change.Value.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<ArchiveRoomResponse> ArchiveRoom(ArchiveRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Owner, "Archiving a room", context.CancellationToken);
        var change = await rooms.ArchiveAsync(caller.TenantId, room.Id, caller.PrincipalId, RoomEvents.RoomUpdated, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", request.RoomId);

        // Subscribers stay: an archived room is still readable, and its room_updated event tells them it is archived.
        fanout.PublishStored(caller.TenantId, change.Event);
        return new ArchiveRoomResponse { Room = change.Value.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<UnarchiveRoomResponse> UnarchiveRoom(UnarchiveRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Owner, "Unarchiving a room", context.CancellationToken);
        var change = await rooms.UnarchiveAsync(caller.TenantId, room.Id, caller.PrincipalId, RoomEvents.RoomUpdated, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", request.RoomId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new UnarchiveRoomResponse { Room = change.Value.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<DeleteRoomResponse> DeleteRoom(DeleteRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Owner, "Deleting a room", context.CancellationToken);
        if (!await rooms.DeleteAsync(caller.TenantId, room.Id, context.CancellationToken))
        {
            throw RpcErrors.NotFound("room", request.RoomId);
        }

        // The log went with the room, so no stored event can say so: live subscribers are told directly and stop.
        fanout.PublishTransient(caller.TenantId, room.Id, new ChatEvent { RoomClosed = new RoomClosedEvent { RoomId = room.Id, Reason = "deleted" } });
        return new DeleteRoomResponse();
    }

    /// <inheritdoc />
    public override async Task<OpenDirectRoomResponse> OpenDirectRoom(OpenDirectRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var others = RoomRules.UserIds("user_ids", request.UserIds, 1, RoomRules.MaxDirectOthers);
        if (others.Contains(caller.PrincipalId))
        {
            throw AtomErrors.InvalidField("user_ids", "names the caller: name only the other users (the caller is always in the room).");
        }

        foreach (var userId in others)
        {
            await RequireActiveUserAsync(caller, userId, context.CancellationToken);
        }

        var (room, _) = await rooms.OpenDirectAsync(caller.TenantId, caller.PrincipalId, others, context.CancellationToken);
        return new OpenDirectRoomResponse { Room = room.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<JoinRoomResponse> JoinRoom(JoinRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var roomId = RoomGate.RoomId(request.RoomId);
        Room room;
        try
        {
            room = await gate.ReadableAsync(caller, roomId, context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // A private room stays hidden, except from someone invited to it: they already know it exists.
            throw await PendingInvitationAsync(caller, roomId, context.CancellationToken) is { } invitation
                ? new RpcException(StatusCode.FailedPrecondition,
                    $"Room '{roomId}' is private and you are invited to it: accept invitation '{invitation.Id}' to join.",
                    AtomErrors.Info(ErrorReason.FailedPrecondition, ("invitation_id", invitation.Id)))
                : e;
        }

        if (room.ViewerRole != RoomRole.Unspecified)
        {
            return new JoinRoomResponse { Room = room.ToProto() };
        }

        var change = await rooms.AddMemberAsync(caller.TenantId, room.Id, caller.PrincipalId, RoomRole.Member, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", roomId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new JoinRoomResponse { Room = (await RoomAsSeenAsync(caller, room.Id, context.CancellationToken)).ToProto() };
    }

    /// <inheritdoc />
    public override async Task<LeaveRoomResponse> LeaveRoom(LeaveRoomRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        if (room.ViewerRole == RoomRole.Unspecified)
        {
            // Already out (a retried leave, say): leaving is done.
            return new LeaveRoomResponse();
        }

        RoomGate.EnsureMembershipChangeable(room);
        await EnsureAnotherOwnerAsync(caller, room, caller.PrincipalId, room.ViewerRole, RoomRole.Unspecified, context.CancellationToken);
        var change = await rooms.RemoveMemberAsync(caller.TenantId, room.Id, caller.PrincipalId, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken);
        fanout.PublishStored(caller.TenantId, change?.Event);
        return new LeaveRoomResponse();
    }

    /// <inheritdoc />
    public override async Task<ListRoomMembersResponse> ListRoomMembers(ListRoomMembersRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = RequestRules.Page(request.PageSize, request.PageToken);
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);
        var members = await rooms.ListMembersAsync(caller.TenantId, room.Id, page, context.CancellationToken);
        return new ListRoomMembersResponse { Members = { members.Items.Select(m => m.ToProto()) }, NextPageToken = members.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<AddRoomMemberResponse> AddRoomMember(AddRoomMemberRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var userId = RequestRules.Id("user_id", request.UserId);
        var role = RoomRules.Role("role", request.Role, RoomRole.Member);
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Moderator, "Adding members", context.CancellationToken);
        RoomGate.EnsureMayAssign(room, role, "Adding");
        RoomGate.EnsureMembershipChangeable(room);
        await RequireActiveUserAsync(caller, userId, context.CancellationToken);
        var change = await rooms.AddMemberAsync(caller.TenantId, room.Id, userId, role, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", request.RoomId);

        // Adding someone already there with their role is a retry and succeeds; with another role it is a role change, not an add.
        if (!change.Appended && change.Value.Role != role)
        {
            throw new RpcException(StatusCode.AlreadyExists,
                $"User '{userId}' is already a {RoomGate.RoleName(change.Value.Role)} of room '{room.Id}': change their role with SetRoomMemberRole.",
                AtomErrors.Info(ErrorReason.AlreadyExists, ("resource_type", "room member"), ("field", "user_id")));
        }

        fanout.PublishStored(caller.TenantId, change.Event);
        return new AddRoomMemberResponse { Member = change.Value.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<RemoveRoomMemberResponse> RemoveRoomMember(RemoveRoomMemberRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var userId = RequestRules.Id("user_id", request.UserId);
        var room = await gate.ReadableAsync(caller, request.RoomId, context.CancellationToken);

        // Removing oneself is leaving, which any member may do; removing others takes a moderator first of all.
        if (userId != caller.PrincipalId)
        {
            RoomGate.EnsureRole(room, RoomRole.Moderator, "Removing members");
        }

        var member = await rooms.GetMemberAsync(caller.TenantId, room.Id, userId, context.CancellationToken) ?? throw RpcErrors.NotFound("room member", userId);
        if (userId != caller.PrincipalId)
        {
            RoomGate.EnsureMayRemove(room, member.Role);
        }

        RoomGate.EnsureMembershipChangeable(room);
        await EnsureAnotherOwnerAsync(caller, room, userId, member.Role, RoomRole.Unspecified, context.CancellationToken);
        var change = await rooms.RemoveMemberAsync(caller.TenantId, room.Id, userId, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room member", userId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new RemoveRoomMemberResponse();
    }

    /// <inheritdoc />
    public override async Task<SetRoomMemberRoleResponse> SetRoomMemberRole(SetRoomMemberRoleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var userId = RequestRules.Id("user_id", request.UserId);
        var role = RoomRules.Role("role", request.Role, whenUnspecified: null);
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Owner, "Setting room roles", context.CancellationToken);
        var member = await rooms.GetMemberAsync(caller.TenantId, room.Id, userId, context.CancellationToken) ?? throw RpcErrors.NotFound("room member", userId);
        await EnsureAnotherOwnerAsync(caller, room, userId, member.Role, role, context.CancellationToken);
        var change = await rooms.SetMemberRoleAsync(caller.TenantId, room.Id, userId, role, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room member", userId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new SetRoomMemberRoleResponse { Member = change.Value.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<CreateInvitationResponse> CreateInvitation(CreateInvitationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var userId = RequestRules.Id("user_id", request.UserId);
        var role = RoomRules.Role("role", request.Role, RoomRole.Member);
        var room = await gate.WithRoleAsync(caller, request.RoomId, RoomRole.Moderator, "Inviting people", context.CancellationToken);
        RoomGate.EnsureMayAssign(room, role, "Inviting");
        RoomGate.EnsureMembershipChangeable(room);
        await RequireActiveUserAsync(caller, userId, context.CancellationToken);
        if (await rooms.GetMemberAsync(caller.TenantId, room.Id, userId, context.CancellationToken) is not null)
        {
            throw IdentityErrors.FailedPrecondition(
                $"User '{userId}' is already a member of room '{room.Id}': there is nothing to invite them to.");
        }

        var invitation = await rooms.CreateInvitationAsync(caller.TenantId, room.Id, caller.PrincipalId, userId, role, time.GetUtcNow() + InvitationLifetime, context.CancellationToken)
            ?? throw RpcErrors.NotFound("room", request.RoomId);
        return new CreateInvitationResponse { Invitation = invitation.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<ListInvitationsResponse> ListInvitations(ListInvitationsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = await rooms.ListInvitationsAsync(caller.TenantId, caller.PrincipalId, RequestRules.Page(request.PageSize, request.PageToken), context.CancellationToken);
        return new ListInvitationsResponse { Invitations = { page.Items.Select(i => i.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<AcceptInvitationResponse> AcceptInvitation(AcceptInvitationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var invitationId = RequestRules.Id("invitation_id", request.InvitationId);

        // Only the invitee finds their invitation: anyone else's answer is the same as for one that never existed.
        var change = await rooms.AcceptInvitationAsync(caller.TenantId, invitationId, caller.PrincipalId, RoomEvents.MembershipChanged, context.CancellationToken)
            ?? throw RpcErrors.NotFound("invitation", invitationId);
        fanout.PublishStored(caller.TenantId, change.Event);
        return new AcceptInvitationResponse { Room = (await RoomAsSeenAsync(caller, change.Value.RoomId, context.CancellationToken)).ToProto() };
    }

    /// <inheritdoc />
    public override async Task<DeclineInvitationResponse> DeclineInvitation(DeclineInvitationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var invitationId = RequestRules.Id("invitation_id", request.InvitationId);
        return await rooms.DeclineInvitationAsync(caller.TenantId, invitationId, caller.PrincipalId, context.CancellationToken)
            ? new DeclineInvitationResponse()
            : throw RpcErrors.NotFound("invitation", invitationId);
    }

    /// <summary>A user of the caller's tenant who can be put in a room: anyone else is not found, however real the id.</summary>
    private async Task RequireActiveUserAsync(Caller caller, string userId, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(caller.TenantId, userId, cancellationToken) ?? throw RpcErrors.NotFound("user", userId);
        if (user.IsDisabled)
        {
            throw IdentityErrors.FailedPrecondition($"User '{userId}' is disabled and cannot be put in a room.");
        }
    }

    /// <summary>
    /// Refuses a change that would leave a public or private room without an owner: taking the owner role from
    /// <paramref name="userId"/> (to <paramref name="newRole"/>, or out of the room) needs another owner to remain.
    /// </summary>
    /// <remarks>
    /// Checked first for a message that names who is asking; the store checks again under the room's lock, so two
    /// owners leaving at the same instant cannot both succeed (LastOwnerException).
    /// </remarks>
    private async Task EnsureAnotherOwnerAsync(Caller caller, Room room, string userId, RoomRole currentRole, RoomRole newRole, CancellationToken cancellationToken)
    {
        if (currentRole != RoomRole.Owner || newRole == RoomRole.Owner)
        {
            return;
        }

        var token = string.Empty;
        do
        {
            var page = await rooms.ListMembersAsync(caller.TenantId, room.Id, new PageRequest(WalkPageSize, token), cancellationToken);
            if (page.Items.Any(m => m.Role == RoomRole.Owner && m.UserId != userId))
            {
                return;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);

        throw IdentityErrors.FailedPrecondition(userId == caller.PrincipalId
            ? $"You are the last owner of room '{room.Id}': make another member an owner first, or delete the room."
            : $"User '{userId}' is the last owner of room '{room.Id}': make another member an owner first.");
    }

    /// <summary>The caller's pending invitation to a room (by id or name), or null.</summary>
    private async Task<Invitation?> PendingInvitationAsync(Caller caller, string roomIdOrName, CancellationToken cancellationToken)
    {
        var roomId = (await rooms.GetAsync(caller.TenantId, roomIdOrName, cancellationToken: cancellationToken)
            ?? await rooms.GetByNameAsync(caller.TenantId, roomIdOrName, cancellationToken: cancellationToken))?.Id;
        if (roomId is null)
        {
            return null;
        }

        var token = string.Empty;
        do
        {
            var page = await rooms.ListInvitationsAsync(caller.TenantId, caller.PrincipalId, new PageRequest(WalkPageSize, token), cancellationToken);
            if (page.Items.FirstOrDefault(i => i.RoomId == roomId) is { } invitation)
            {
                return invitation;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return null;
    }

    private async Task<Room> RoomAsSeenAsync(Caller caller, string roomId, CancellationToken cancellationToken) =>
        await rooms.GetAsync(caller.TenantId, roomId, caller.PrincipalId, cancellationToken) ?? throw RpcErrors.NotFound("room", roomId);
}
