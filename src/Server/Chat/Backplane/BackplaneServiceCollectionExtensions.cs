using Atom.Server.Chat.Streaming;
using Atom.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Chat.Backplane;

/// <summary>Registers the <see cref="IRoomBackplane"/> that <c>Atom:Backplane</c> chooses.</summary>
public static class BackplaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the backplane: <c>inprocess</c> (the default) for one node, or <c>postgres</c> for nodes sharing the
    /// PostgreSQL database of <c>Atom:Storage</c>. A choice that cannot work fails here, at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomChatBackplane(this IServiceCollection services, IConfiguration configuration)
    {
        var kind = configuration[BackplaneOptions.KindKey];
        switch (string.IsNullOrWhiteSpace(kind) ? BackplaneOptions.InProcess : kind.Trim().ToLowerInvariant())
        {
            case BackplaneOptions.InProcess:
                services.AddSingleton<IRoomBackplane, InProcessRoomBackplane>();
                return services;

            case BackplaneOptions.Postgres or "postgresql":
                var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
                if (storage.Provider.ToLowerInvariant() is not ("postgres" or "postgresql") || string.IsNullOrWhiteSpace(storage.ConnectionString))
                {
                    throw new OptionsValidationException(BackplaneOptions.KindKey, typeof(BackplaneOptions),
                        [$"{BackplaneOptions.KindKey}=postgres delivers room events through the PostgreSQL database every node shares, so it needs " +
                         $"Atom:Storage:Provider=postgres and Atom:Storage:ConnectionString (the provider is '{storage.Provider}'). " +
                         $"Use {BackplaneOptions.KindKey}=inprocess for a single node."]);
                }

                services.Configure<BackplaneOptions>(configuration.GetSection(BackplaneOptions.Section));
                services.AddSingleton<BackplaneNode>();
                services.AddSingleton<PostgresRoomNotifier>();
                services.AddSingleton<IRoomBackplane>(sp => sp.GetRequiredService<PostgresRoomNotifier>());
                services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresRoomListener>(sp, storage.ConnectionString));
                services.AddHostedService(sp => sp.GetRequiredService<PostgresRoomNotifier>());
                services.AddHostedService(sp => sp.GetRequiredService<PostgresRoomListener>());
                return services;

            default:
                throw new OptionsValidationException(BackplaneOptions.KindKey, typeof(BackplaneOptions),
                    [$"{BackplaneOptions.KindKey} '{kind}' is not supported; use {BackplaneOptions.InProcess} (one node) or {BackplaneOptions.Postgres} (nodes sharing one PostgreSQL)."]);
        }
    }
}
