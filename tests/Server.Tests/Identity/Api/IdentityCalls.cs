using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// One identity RPC, ready to send through any face: the method and request for gRPC and gRPC-Web, and the
/// REST request its google.api.http rule documents (written out here, not derived from the descriptors, so a
/// route that drifts from the contract fails a test).
/// </summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
/// <param name="Method">The RPC.</param>
/// <param name="Request">The request.</param>
/// <param name="Verb">The HTTP method of its REST rule.</param>
/// <param name="Path">The REST path and query, with path values escaped.</param>
/// <param name="Body">The REST body (proto3 JSON), or null.</param>
public sealed record IdentityCall<TRequest, TResponse>(Method<TRequest, TResponse> Method, TRequest Request, HttpMethod Verb, string Path, string? Body = null)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>, new()
{
    /// <summary>Names the call in assertion messages, e.g. <c>UserService/GetUser</c>.</summary>
    public override string ToString() => $"{Method.ServiceName[(Method.ServiceName.LastIndexOf('.') + 1)..]}/{Method.Name}";
}

/// <summary>The identity API's calls, by RPC, with the REST routes of identity.proto.</summary>
public static class IdentityCalls
{
    private const int AllOfThem = 500;

    public static IdentityCall<GetCurrentIdentityRequest, GetCurrentIdentityResponse> GetCurrentIdentity() =>
        new(AuthServiceRpc.GetCurrentIdentity, new(), HttpMethod.Get, "/v1/auth/me");

    public static IdentityCall<SignInRequest, SignInResponse> SignIn(string tenant, string email)
    {
        var request = new SignInRequest { Tenant = tenant, Email = email, Password = IdentityApiServer.Password };
        return new(AuthServiceRpc.SignIn, request, HttpMethod.Post, "/v1/auth:signIn", Json(request));
    }

    public static IdentityCall<RefreshTokenRequest, RefreshTokenResponse> RefreshToken(string refreshToken)
    {
        var request = new RefreshTokenRequest { RefreshToken = refreshToken };
        return new(AuthServiceRpc.RefreshToken, request, HttpMethod.Post, "/v1/auth:refresh", Json(request));
    }

    public static IdentityCall<SignOutRequest, SignOutResponse> SignOut(string refreshToken)
    {
        var request = new SignOutRequest { RefreshToken = refreshToken };
        return new(AuthServiceRpc.SignOut, request, HttpMethod.Post, "/v1/auth:signOut", Json(request));
    }

    public static IdentityCall<CreateTenantRequest, CreateTenantResponse> CreateTenant(string name)
    {
        var request = new CreateTenantRequest { Name = name };
        return new(TenantServiceRpc.CreateTenant, request, HttpMethod.Post, "/v1/tenants", Json(request));
    }

    public static IdentityCall<ListTenantsRequest, ListTenantsResponse> ListTenants() =>
        new(TenantServiceRpc.ListTenants, new() { PageSize = AllOfThem }, HttpMethod.Get, $"/v1/tenants?pageSize={AllOfThem}");

    public static IdentityCall<GetTenantRequest, GetTenantResponse> GetTenant(string tenantId) =>
        new(TenantServiceRpc.GetTenant, new() { TenantId = tenantId }, HttpMethod.Get, $"/v1/tenants/{Escape(tenantId)}");

    public static IdentityCall<CreateUserRequest, CreateUserResponse> CreateUser(string email, string tenant = "", params Role[] roles)
    {
        var request = new CreateUserRequest { Email = email, Password = IdentityApiServer.Password, Tenant = tenant, Roles = { roles } };
        return new(UserServiceRpc.CreateUser, request, HttpMethod.Post, "/v1/users", Json(request));
    }

    public static IdentityCall<GetUserRequest, GetUserResponse> GetUser(string userId) =>
        new(UserServiceRpc.GetUser, new() { UserId = userId }, HttpMethod.Get, $"/v1/users/{Escape(userId)}");

    public static IdentityCall<ListUsersRequest, ListUsersResponse> ListUsers(string pageToken = "", int pageSize = AllOfThem) =>
        new(UserServiceRpc.ListUsers, new() { PageSize = pageSize, PageToken = pageToken, IncludeDisabled = true }, HttpMethod.Get,
            $"/v1/users?pageSize={pageSize}&includeDisabled=true" + (pageToken.Length > 0 ? $"&pageToken={Escape(pageToken)}" : string.Empty));

    /// <summary>UpdateUser with an update_mask naming exactly the fields given.</summary>
    public static IdentityCall<UpdateUserRequest, UpdateUserResponse> UpdateUser(string userId, string? email = null, string? displayName = null)
    {
        var user = new User { Email = email ?? string.Empty, DisplayName = displayName ?? string.Empty };
        var mask = new global::Google.Protobuf.WellKnownTypes.FieldMask();
        if (email is not null)
        {
            mask.Paths.Add("email");
        }

        if (displayName is not null)
        {
            mask.Paths.Add("display_name");
        }

        var request = new UpdateUserRequest { User = user.Clone(), UpdateMask = mask };
        request.User.Id = userId;

        // body: "user" takes the User without its id (that is in the path); the mask goes in the query, in its JSON form.
        var jsonMask = string.Join(',', mask.Paths.Select(p => p == "display_name" ? "displayName" : p));
        return new(UserServiceRpc.UpdateUser, request, HttpMethod.Patch, $"/v1/users/{Escape(userId)}?updateMask={jsonMask}", Json(user));
    }

    public static IdentityCall<DisableUserRequest, DisableUserResponse> DisableUser(string userId) =>
        new(UserServiceRpc.DisableUser, new() { UserId = userId }, HttpMethod.Post, $"/v1/users/{Escape(userId)}:disable", "{}");

    public static IdentityCall<SetUserRolesRequest, SetUserRolesResponse> SetUserRoles(string userId, params Role[] roles) =>
        new(UserServiceRpc.SetUserRoles, new() { UserId = userId, Roles = { roles } }, HttpMethod.Post, $"/v1/users/{Escape(userId)}:setRoles",
            Json(new SetUserRolesRequest { Roles = { roles } }));

    public static IdentityCall<CreateGroupRequest, CreateGroupResponse> CreateGroup(string name, string requestId = "")
    {
        var request = new CreateGroupRequest { Name = name, RequestId = requestId };
        return new(GroupServiceRpc.CreateGroup, request, HttpMethod.Post, "/v1/groups", Json(request));
    }

    public static IdentityCall<ListGroupsRequest, ListGroupsResponse> ListGroups() =>
        new(GroupServiceRpc.ListGroups, new() { PageSize = AllOfThem }, HttpMethod.Get, $"/v1/groups?pageSize={AllOfThem}");

    public static IdentityCall<AddGroupMemberRequest, AddGroupMemberResponse> AddGroupMember(string groupId, string userId) =>
        new(GroupServiceRpc.AddGroupMember, new() { GroupId = groupId, UserId = userId }, HttpMethod.Post, $"/v1/groups/{Escape(groupId)}/members",
            Json(new AddGroupMemberRequest { UserId = userId }));

    public static IdentityCall<RemoveGroupMemberRequest, RemoveGroupMemberResponse> RemoveGroupMember(string groupId, string userId) =>
        new(GroupServiceRpc.RemoveGroupMember, new() { GroupId = groupId, UserId = userId }, HttpMethod.Delete, $"/v1/groups/{Escape(groupId)}/members/{Escape(userId)}");

    public static IdentityCall<CreateServiceAccountRequest, CreateServiceAccountResponse> CreateServiceAccount(string name)
    {
        var request = new CreateServiceAccountRequest { Name = name };
        return new(ServiceAccountServiceRpc.CreateServiceAccount, request, HttpMethod.Post, "/v1/serviceAccounts", Json(request));
    }

    public static IdentityCall<ListServiceAccountsRequest, ListServiceAccountsResponse> ListServiceAccounts() =>
        new(ServiceAccountServiceRpc.ListServiceAccounts, new() { PageSize = AllOfThem }, HttpMethod.Get, $"/v1/serviceAccounts?pageSize={AllOfThem}");

    public static IdentityCall<DisableServiceAccountRequest, DisableServiceAccountResponse> DisableServiceAccount(string serviceAccountId) =>
        new(ServiceAccountServiceRpc.DisableServiceAccount, new() { ServiceAccountId = serviceAccountId }, HttpMethod.Post,
            $"/v1/serviceAccounts/{Escape(serviceAccountId)}:disable", "{}");

    /// <summary>CreateApiKey for the caller, or for a service account.</summary>
    public static IdentityCall<CreateApiKeyRequest, CreateApiKeyResponse> CreateApiKey(string name, string serviceAccountId = "")
    {
        var request = new CreateApiKeyRequest { Name = name, ServiceAccountId = serviceAccountId };
        return new(ApiKeyServiceRpc.CreateApiKey, request, HttpMethod.Post, "/v1/apiKeys", Json(request));
    }

    public static IdentityCall<ListApiKeysRequest, ListApiKeysResponse> ListApiKeys() =>
        new(ApiKeyServiceRpc.ListApiKeys, new() { PageSize = AllOfThem }, HttpMethod.Get, $"/v1/apiKeys?pageSize={AllOfThem}");

    public static IdentityCall<RevokeApiKeyRequest, RevokeApiKeyResponse> RevokeApiKey(string apiKeyId) =>
        new(ApiKeyServiceRpc.RevokeApiKey, new() { ApiKeyId = apiKeyId }, HttpMethod.Post, $"/v1/apiKeys/{Escape(apiKeyId)}:revoke", "{}");

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Json(IMessage message) => JsonFormatter.Default.Format(message);
}
