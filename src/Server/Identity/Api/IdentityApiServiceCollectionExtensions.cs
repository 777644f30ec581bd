using Atom.Server.Identity.Api.Internal;
using Atom.Server.Rpc;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Identity.Api;

/// <summary>Registers the RPC services of identity.proto.</summary>
public static class IdentityApiServiceCollectionExtensions
{
    /// <summary>Adds AuthService, TenantService, UserService, GroupService, ServiceAccountService and ApiKeyService. Needs <c>AddAtomIdentity</c>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomIdentityApi(this IServiceCollection services)
    {
        services.AddSingleton<IdempotentCreates>();
        services.AddAtomService<AuthApi>();
        services.AddAtomService<TenantApi>();
        services.AddAtomService<UserApi>();
        services.AddAtomService<GroupApi>();
        services.AddAtomService<ServiceAccountApi>();
        services.AddAtomService<ApiKeyApi>();
        return services;
    }
}
