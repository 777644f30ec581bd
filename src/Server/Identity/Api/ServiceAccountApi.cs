using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>Implements atom.v1.ServiceAccountService: non-human principals of the caller's tenant.</summary>
/// <param name="accounts">The service accounts.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="audit">The audit log.</param>
public sealed class ServiceAccountApi(ServiceAccountStore accounts, IdempotentCreates creates, AuditLog audit) : ServiceAccountServiceBase
{
    private static readonly Role[] DefaultRoles = [Role.Member];

    /// <inheritdoc />
    public override async Task<CreateServiceAccountResponse> CreateServiceAccount(CreateServiceAccountRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var name = RequestRules.ShortName("name", request.Name);
        var displayName = RequestRules.DisplayName("display_name", request.DisplayName, name);
        var roles = RequestRules.Roles("roles", request.Roles, DefaultRoles);
        RoleGuard.EnsureMayGrant(caller, roles);
        var (reply, _) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var account = await accounts.CreateAsync(c, t, caller.TenantId, name, displayName, roles);
            await audit.AppendAsync(c, t, new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.ServiceAccountCreated, account.Id, context.ClientAddress(),
                new Dictionary<string, string> { ["roles"] = roles.AuditList() }));
            return new CreateServiceAccountResponse { ServiceAccount = account.ToProto() };
        });
        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListServiceAccountsResponse> ListServiceAccounts(ListServiceAccountsRequest request, ServerCallContext context)
    {
        var page = await accounts.ListAsync(context.GetCaller().TenantId, RequestRules.Page(request.PageSize, request.PageToken), context.CancellationToken);
        return new ListServiceAccountsResponse { ServiceAccounts = { page.Items.Select(a => a.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<DisableServiceAccountResponse> DisableServiceAccount(DisableServiceAccountRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = RequestRules.Id("service_account_id", request.ServiceAccountId);
        if (id == caller.PrincipalId)
        {
            throw IdentityErrors.FailedPrecondition("A service account cannot disable itself.");
        }

        var account = await accounts.GetAsync(caller.TenantId, id, context.CancellationToken) ?? throw RpcErrors.NotFound("service account", id);
        RoleGuard.EnsureMayManage(caller, account.Roles, targetIsPlatformAdmin: false);
        if (await accounts.DisableAsync(caller.TenantId, id, context.CancellationToken))
        {
            await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.ServiceAccountDisabled, id, context.ClientAddress()), context.CancellationToken);
        }

        var disabled = await accounts.GetAsync(caller.TenantId, id, context.CancellationToken) ?? throw RpcErrors.NotFound("service account", id);
        return new DisableServiceAccountResponse { ServiceAccount = disabled.ToProto() };
    }
}
