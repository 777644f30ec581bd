using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>Implements atom.v1.TenantService for platform administrators (the access rule needs TENANTS_MANAGE, which no tenant role grants).</summary>
/// <param name="tenants">The tenants.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="audit">The audit log.</param>
public sealed class TenantApi(TenantStore tenants, IdempotentCreates creates, AuditLog audit) : TenantServiceBase
{
    /// <inheritdoc />
    public override async Task<CreateTenantResponse> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var name = RequestRules.ShortName("name", request.Name);
        var displayName = RequestRules.DisplayName("display_name", request.DisplayName, name);
        var (reply, _) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var tenant = await tenants.CreateAsync(c, t, name, displayName);

            // Recorded in both tenants: the creator's audit trail and the new tenant's first event.
            await audit.AppendAsync(c, t, new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.TenantCreated, tenant.Id));
            await audit.AppendAsync(c, t, new AuditEvent(tenant.Id, caller.PrincipalId, AuditActions.TenantCreated, tenant.Id));
            return new CreateTenantResponse { Tenant = tenant.ToProto() };
        }, asPlatform: true);
        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        var page = await tenants.ListAsync(RequestRules.Page(request.PageSize, request.PageToken), context.CancellationToken);
        return new ListTenantsResponse { Tenants = { page.Items.Select(t => t.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<GetTenantResponse> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        var id = RequestRules.Id("tenant_id", request.TenantId);
        var tenant = await tenants.GetAsync(id, context.CancellationToken) ?? throw RpcErrors.NotFound("tenant", id);
        return new GetTenantResponse { Tenant = tenant.ToProto() };
    }
}
