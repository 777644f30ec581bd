using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api;

/// <summary>
/// Implements atom.v1.ApiKeyService. Everyone manages their own keys; API_KEYS_MANAGE manages the tenant's and
/// makes keys for service accounts. A key never grants more than the key that made it: a caller signed in with
/// a scoped key can only make keys with some of its scopes.
/// </summary>
/// <param name="apiKeys">Creates and revokes keys.</param>
/// <param name="keys">The keys.</param>
/// <param name="serviceAccounts">The service accounts.</param>
/// <param name="creates">Idempotent creates.</param>
/// <param name="audit">The audit log.</param>
/// <param name="time">The clock.</param>
public sealed class ApiKeyApi(ApiKeyService apiKeys, ApiKeyStore keys, ServiceAccountStore serviceAccounts, IdempotentCreates creates, AuditLog audit, TimeProvider time) : ApiKeyServiceBase
{
    private static readonly HashSet<string> KnownScopes = [.. Enum.GetValues<Permission>().Where(p => p != Permission.Unspecified).Select(AuthorizationInterceptor.ScopeName)];

    /// <inheritdoc />
    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var name = RequestRules.DisplayName("name", request.Name, string.Empty);
        if (name.Length == 0 || name.Length > RequestRules.MaxKeyNameLength)
        {
            throw AtomErrors.InvalidField("name", $"is required: 1 to {RequestRules.MaxKeyNameLength} characters saying what the key is for.");
        }

        var scopes = Scopes(caller, request.Scopes);
        DateTimeOffset? expiresAt = null;
        if (request.ExpireTime is { } expireTime)
        {
            expiresAt = expireTime.ToDateTimeOffset();
            if (expiresAt <= time.GetUtcNow())
            {
                throw AtomErrors.InvalidField("expire_time", "must be in the future.");
            }
        }

        var (principalId, kind) = (caller.PrincipalId, caller.Kind == Principal.Types.Kind.ServiceAccount ? PrincipalKind.ServiceAccount : PrincipalKind.User);
        if (request.ServiceAccountId.Length > 0)
        {
            var accountId = RequestRules.Id("service_account_id", request.ServiceAccountId);
            if (!MayManageKeys(caller))
            {
                throw IdentityErrors.Denied("Making keys for a service account needs the api_keys_manage permission.");
            }

            var account = await serviceAccounts.GetAsync(caller.TenantId, accountId, context.CancellationToken) ?? throw RpcErrors.NotFound("service account", accountId);
            if (account.IsDisabled)
            {
                throw IdentityErrors.FailedPrecondition("The service account is disabled.");
            }

            RoleGuard.EnsureMayManage(caller, account.Roles, targetIsPlatformAdmin: false);
            (principalId, kind) = (account.Id, PrincipalKind.ServiceAccount);
        }

        var (reply, replayed) = await creates.RunAsync(context, request.RequestId, async (c, t) =>
        {
            var created = await apiKeys.CreateAsync(c, t, caller.TenantId, principalId, kind, name, scopes, expiresAt);
            await audit.AppendAsync(c, t, new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.ApiKeyCreated, created.Key.Id, context.ClientAddress(),
                new Dictionary<string, string> { ["principal"] = principalId, ["scopes"] = string.Join(' ', scopes) }));
            return new CreateApiKeyResponse { ApiKey = created.Key.ToProto(), Secret = created.Secret };
        }, remember: reply =>
        {
            // The secret is stored nowhere, not even here: a replay cannot show it again.
            reply.Secret = string.Empty;
            return reply;
        });

        if (replayed)
        {
            throw new RpcException(StatusCode.AlreadyExists,
                $"This request_id already created API key {reply.ApiKey.Id}; its secret was shown once, in that reply. If it was lost, revoke the key and create another.",
                AtomErrors.Info(ErrorReason.AlreadyExists, ("resource_type", "API key"), ("field", "request_id")),
                new ResourceInfo { ResourceType = "API key", ResourceName = reply.ApiKey.Id, Description = "created by an earlier request with this request_id" });
        }

        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = await keys.ListAsync(caller.TenantId, MayManageKeys(caller) ? null : caller.PrincipalId,
            RequestRules.Page(request.PageSize, request.PageToken), context.CancellationToken);
        return new ListApiKeysResponse { ApiKeys = { page.Items.Select(k => k.ToProto()) }, NextPageToken = page.NextPageToken };
    }

    /// <inheritdoc />
    public override async Task<RevokeApiKeyResponse> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = RequestRules.Id("api_key_id", request.ApiKeyId);

        // Someone else's key is as absent as a key that never existed, unless the caller manages the tenant's keys.
        var key = await keys.GetAsync(caller.TenantId, id, context.CancellationToken);
        if (key is null || (key.PrincipalId != caller.PrincipalId && !MayManageKeys(caller)))
        {
            throw RpcErrors.NotFound("API key", id);
        }

        var revoked = await apiKeys.RevokeAsync(caller.TenantId, id, context.CancellationToken) ?? throw RpcErrors.NotFound("API key", id);
        if (key.RevokedAt is null)
        {
            await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, AuditActions.ApiKeyRevoked, id, context.ClientAddress(),
                new Dictionary<string, string> { ["principal"] = key.PrincipalId }), context.CancellationToken);
        }

        return new RevokeApiKeyResponse { ApiKey = revoked.ToProto() };
    }

    private static bool MayManageKeys(Caller caller) =>
        RolePermissions.Allows(caller, Permission.ApiKeysManage)
        && (caller.Scopes.Count == 0 || caller.Scopes.Contains(AuthorizationInterceptor.ScopeName(Permission.ApiKeysManage)));

    private static List<string> Scopes(Caller caller, global::Google.Protobuf.Collections.RepeatedField<string> requested)
    {
        if (requested.Count > RequestRules.MaxScopes)
        {
            throw AtomErrors.InvalidField("scopes", $"at most {RequestRules.MaxScopes} scopes.");
        }

        foreach (var scope in requested)
        {
            if (!KnownScopes.Contains(scope))
            {
                throw AtomErrors.InvalidField("scopes", $"'{scope}' is not a scope: use {string.Join(", ", KnownScopes.Order())}.");
            }

            if (caller.Scopes.Count > 0 && !caller.Scopes.Contains(scope))
            {
                throw IdentityErrors.Denied($"The key you are using does not have the '{scope}' scope, so it cannot give it to another key.");
            }
        }

        if (requested.Count == 0 && caller.Scopes.Count > 0)
        {
            throw IdentityErrors.Denied("You are using a scoped key: a key it makes must list some of its scopes (an empty list would mean all).");
        }

        return [.. requested.Distinct().Order()];
    }
}
