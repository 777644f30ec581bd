using Atom.Sdk;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>Implements atom.v1.UserService: the users of the caller's tenant, and nobody else's.</summary>
/// <param name="users">The users.</param>
/// <param name="tenants">The tenants, for platform administrators creating users elsewhere.</param>
/// <param name="hasher">The password hasher.</param>
/// <param name="refreshTokens">Revoked when a user is disabled.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="audit">The audit log.</param>
public sealed class UserApi(UserStore users, TenantStore tenants, PasswordHasher hasher, RefreshTokenService refreshTokens, IdempotentCreates creates, AuditLog audit) : UserServiceBase
{
    private static readonly Role[] DefaultRoles = [Role.Member];

    /// <inheritdoc />
    public override async Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var email = RequestRules.Email("email", request.Email);
        var displayName = RequestRules.DisplayName("display_name", request.DisplayName, email);
        var password = RequestRules.NewPassword("password", request.Password, email);
        var roles = RequestRules.Roles("roles", request.Roles, DefaultRoles);
        RoleGuard.EnsureMayGrant(caller, roles);
        var tenantId = await TargetTenantAsync(caller, request.Tenant, context.CancellationToken);

        // Hashing takes a while on purpose: do it before the transaction, not inside it.
        var hash = hasher.Hash(password);
        var (reply, _) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var user = await users.CreateAsync(c, t, tenantId, new NewUser(email, displayName, roles, hash));
            await audit.AppendAsync(c, t, new AuditEvent(tenantId, caller.PrincipalId, AuditActions.UserCreated, user.Id, context.ClientAddress(),
                new Dictionary<string, string> { ["roles"] = roles.AuditList(), ["by_tenant"] = caller.TenantId }));
            return new CreateUserResponse { User = user.ToProto() };
        }, asPlatform: tenantId != caller.TenantId);
        return reply;
    }

    /// <inheritdoc />
    public override async Task<GetUserResponse> GetUser(GetUserRequest request, ServerCallContext context) =>
        new() { User = (await FindAsync(context, RequestRules.Id("user_id", request.UserId))).ToProto() };

    /// <inheritdoc />
    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = await users.ListAsync(caller.TenantId, RequestRules.Page(request.PageSize, request.PageToken), request.IncludeDisabled, context.CancellationToken);
        return new ListUsersResponse { Users = { page.Items.Select(u => u.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<UpdateUserResponse> UpdateUser(UpdateUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.User is null)
        {
            throw AtomErrors.InvalidField("user", "is required.");
        }

        var id = RequestRules.Id("user.id", request.User.Id);
        var paths = request.UpdateMask?.Paths.Count > 0
            ? request.UpdateMask.Paths.ToList()
            : [.. new[] { ("email", request.User.Email), ("display_name", request.User.DisplayName) }.Where(p => p.Item2.Length > 0).Select(p => p.Item1)];
        string? email = null, displayName = null;
        foreach (var path in paths)
        {
            switch (path)
            {
                case "email":
                    email = RequestRules.Email("user.email", request.User.Email);
                    break;
                case "display_name":
                    displayName = RequestRules.DisplayName("user.display_name", request.User.DisplayName, string.Empty);
                    if (displayName.Length == 0)
                    {
                        throw AtomErrors.InvalidField("user.display_name", "must not be empty.");
                    }

                    break;
                default:
                    throw AtomErrors.InvalidField("update_mask", $"'{path}' cannot be changed here: the fields are email and display_name.");
            }
        }

        if (email is null && displayName is null)
        {
            throw AtomErrors.InvalidField("update_mask", "names nothing to change: use email and/or display_name.");
        }

        var target = await FindAsync(context, id);
        if (target.Id != caller.PrincipalId)
        {
            RoleGuard.EnsureMayManage(caller, target.Roles, target.PlatformAdmin);
        }

        var updated = await users.UpdateAsync(caller.TenantId, id, email, displayName, context.CancellationToken) ?? throw RpcErrors.NotFound("user", id);
        return new UpdateUserResponse { User = updated.ToProto() };
    }

    /// <inheritdoc />
    public override async Task<DisableUserResponse> DisableUser(DisableUserRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = RequestRules.Id("user_id", request.UserId);
        if (id == caller.PrincipalId)
        {
            throw IdentityErrors.FailedPrecondition("You cannot disable yourself: ask another administrator.");
        }

        var target = await FindAsync(context, id);
        RoleGuard.EnsureMayManage(caller, target.Roles, target.PlatformAdmin);
        if (await users.DisableAsync(caller.TenantId, id, context.CancellationToken))
        {
            var revoked = await refreshTokens.RevokeUserAsync(caller.TenantId, id, context.CancellationToken);
            await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.UserDisabled, id, context.ClientAddress(),
                new Dictionary<string, string> { ["refresh_tokens_revoked"] = revoked.ToString(System.Globalization.CultureInfo.InvariantCulture) }), context.CancellationToken);
        }

        return new DisableUserResponse { User = (await FindAsync(context, id)).ToProto() };
    }

    /// <inheritdoc />
    public override async Task<SetUserRolesResponse> SetUserRoles(SetUserRolesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = RequestRules.Id("user_id", request.UserId);
        var roles = RequestRules.Roles("roles", request.Roles, []);
        var target = await FindAsync(context, id);
        RoleGuard.EnsureMayManage(caller, target.Roles, target.PlatformAdmin);
        RoleGuard.EnsureMayGrant(caller, roles);
        var updated = await users.SetRolesAsync(caller.TenantId, id, roles, context.CancellationToken) ?? throw RpcErrors.NotFound("user", id);
        await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.RolesChanged, id, context.ClientAddress(),
            new Dictionary<string, string> { ["before"] = target.Roles.AuditList(), ["after"] = updated.Roles.AuditList() }), context.CancellationToken);
        return new SetUserRolesResponse { User = updated.ToProto() };
    }

    /// <summary>The tenant a new user goes into: the caller's, or (for platform administrators only) the one named.</summary>
    private async Task<string> TargetTenantAsync(Caller caller, string tenant, CancellationToken cancellationToken)
    {
        if (tenant.Length == 0 || tenant == caller.TenantId)
        {
            return caller.TenantId;
        }

        // Checked before the lookup, so that other callers cannot probe which tenants exist.
        if (!caller.PlatformAdmin)
        {
            var own = await tenants.GetAsync(caller.TenantId, cancellationToken);
            return string.Equals(own?.Name, tenant, StringComparison.OrdinalIgnoreCase)
                ? caller.TenantId
                : throw IdentityErrors.Denied("Only platform administrators may create users in another tenant.");
        }

        var target = await tenants.FindByNameAsync(tenant, cancellationToken) ?? await tenants.GetAsync(tenant, cancellationToken)
            ?? throw RpcErrors.NotFound("tenant", tenant);
        return target.Id;
    }

    /// <summary>A user of the caller's tenant; another tenant's user is as absent as one that never existed.</summary>
    private async Task<User> FindAsync(ServerCallContext context, string id) =>
        await users.GetAsync(context.GetCaller().TenantId, id, context.CancellationToken) ?? throw RpcErrors.NotFound("user", id);
}
