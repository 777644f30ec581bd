using Atom.Server.Identity.Credentials;
using Atom.Server.Identity.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity;

/// <summary>Registers the identity core: stores, credential services, the audit log and the first-start bootstrap.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the identity core. Call after <c>AddAtomStorage</c>: hosted services start in registration order, and
    /// the bootstrap needs the migrated schema.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (<c>Atom:Identity</c>, <c>Atom:Bootstrap</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IdentityOptions>(configuration.GetSection(IdentityOptions.Section));
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        services.AddSingleton<AccessChanges>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<ServiceAccountStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<RefreshTokenStore>();
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton(sp => new PasswordHasher(sp.GetRequiredService<IOptions<IdentityOptions>>().Value.PasswordIterations));
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<RefreshTokenService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<MultiFactorService>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<PasswordSignIn>();
        services.AddHostedService<IdentityBootstrapper>();
        return services;
    }
}
