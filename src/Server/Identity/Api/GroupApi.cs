using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>Implements atom.v1.GroupService: named sets of users of the caller's tenant.</summary>
/// <param name="groups">The groups.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="audit">The audit log.</param>
public sealed class GroupApi(GroupStore groups, IdempotentCreates creates, AuditLog audit) : GroupServiceBase
{
    /// <inheritdoc />
    public override async Task<CreateGroupResponse> CreateGroup(CreateGroupRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var name = RequestRules.ShortName("name", request.Name);
        var displayName = RequestRules.DisplayName("display_name", request.DisplayName, name);
        var (reply, _) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var group = await groups.CreateAsync(c, t, caller.TenantId, name, displayName);
            await audit.AppendAsync(c, t, new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.GroupCreated, group.Id, context.ClientAddress()));
            return new CreateGroupResponse { Group = group.ToProto() };
        });
        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context)
    {
        var page = await groups.ListAsync(context.GetCaller().TenantId, RequestRules.Page(request.PageSize, request.PageToken), context.CancellationToken);
        return new ListGroupsResponse { Groups = { page.Items.Select(g => g.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<AddGroupMemberResponse> AddGroupMember(AddGroupMemberRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var groupId = RequestRules.Id("group_id", request.GroupId);
        var userId = RequestRules.Id("user_id", request.UserId);
        await FindAsync(caller, groupId, context.CancellationToken);

        // The store adds only a user of the same tenant: anyone else is not found, however real the id.
        var group = await groups.AddMemberAsync(caller.TenantId, groupId, userId, context.CancellationToken) ?? throw RpcErrors.NotFound("user", userId);
        await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.GroupMemberAdded, groupId, context.ClientAddress(),
            new Dictionary<string, string> { ["user"] = userId }), context.CancellationToken);
        return new AddGroupMemberResponse { Group = group.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<RemoveGroupMemberResponse> RemoveGroupMember(RemoveGroupMemberRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var groupId = RequestRules.Id("group_id", request.GroupId);
        var userId = RequestRules.Id("user_id", request.UserId);
        var before = await FindAsync(caller, groupId, context.CancellationToken);
        if (!before.MemberIds.Contains(userId))
        {
            throw RpcErrors.NotFound("group member", userId);
        }

        var group = await groups.RemoveMemberAsync(caller.TenantId, groupId, userId, context.CancellationToken) ?? throw RpcErrors.NotFound("group", groupId);
        await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.GroupMemberRemoved, groupId, context.ClientAddress(),
            new Dictionary<string, string> { ["user"] = userId }), context.CancellationToken);
        return new RemoveGroupMemberResponse { Group = group.ToProto() };
    }

    private async Task<Group> FindAsync(Caller caller, string groupId, CancellationToken cancellationToken) =>
        await groups.GetAsync(caller.TenantId, groupId, cancellationToken) ?? throw RpcErrors.NotFound("group", groupId);
}
