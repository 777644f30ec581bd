using Atom.Server.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Atom.Server.Identity.Authorization;

/// <summary>Registers authorization: the access policy and the interceptor that enforces it on every face.</summary>
public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the authorization interceptor as the first interceptor after logging. An <see cref="ICallerAuthenticator"/>
    /// must be registered too (Identity registers the real one).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (<c>Atom:Authorization</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomAuthorization(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthorizationOptions>(configuration.GetSection(AuthorizationOptions.Section));
        services.TryAddSingleton<AccessPolicy>();
        services.TryAddSingleton<AuthorizationInterceptor>();
        services.Configure<AtomRpcOptions>(rpc =>
        {
            if (!rpc.Interceptors.Contains(typeof(AuthorizationInterceptor)))
            {
                rpc.Interceptors.Insert(0, typeof(AuthorizationInterceptor));
            }
        });
        return services;
    }
}
