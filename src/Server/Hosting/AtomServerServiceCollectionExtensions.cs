using Atom.Sdk.Internal;
using Atom.Server.Identity;
using Atom.Server.Chat;
using Atom.Server.Files;
using Atom.Server.Files.Processing;
using Atom.Server.Search;
using Atom.Server.Jobs;
using Atom.Server.Identity.Api;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.Server.Rpc.Health;
using Atom.Server.Rpc.Reflection;
using Atom.Server.Search.Embeddings;
using Atom.Server.Search.Vectors;
using Atom.Server.Storage;
using Atom.Server.Voice;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Atom.Server.Hosting;

/// <summary>The composition root's wiring, apart from Kestrel: every area registers here.</summary>
public static class AtomServerServiceCollectionExtensions
{
    /// <summary>Registers the server's services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="options">The top-level options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomServer(this IServiceCollection services, IConfiguration configuration, AtomServerOptions options)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddAtomRpc();
        services.Configure<AtomRpcOptions>(configuration.GetSection("Atom:Rpc"));

        var catalog = new ComponentCatalog()
            .Add(new ComponentInfo("transport.grpc", "kestrel-h2c", true, options.GrpcUrl))
            .Add(new ComponentInfo("transport.grpc-web", "kestrel-http1", true, options.HttpUrl))
            .Add(new ComponentInfo("transport.rest", "google.api.http", true, options.HttpUrl))
            .Add(new ComponentInfo("health", "grpc.health.v1", true, $"grpc.health.v1.Health; GET {HealthEndpoints.Path}"))
            .Add(new ComponentInfo("reflection", "grpc.reflection.v1", true, "grpc.reflection.v1 and v1alpha"));
        services.AddSingleton(catalog);
        services.AddAtomStorage(configuration, catalog, options.DataDir);
        services.AddAtomIdentity(configuration);
        services.AddSingleton<ICallerAuthenticator, IdentityCallerAuthenticator>();
        services.AddAtomAuthorization(configuration);
        services.AddAtomIdentityApi();
        services.AddAtomChat(configuration);
        services.AddAtomJobs(configuration);
        services.AddSingleton<IRoomAccess, ChatRoomAccess>();
        services.AddSingleton<IMessageAttachments, RoomFileAttachments>();
        services.AddSingleton<IFileChangeObserver, VoiceMessageRecordings>();
        services.AddAtomFiles(configuration, catalog, options.DataDir);
        services.AddAtomEmbeddings(configuration, catalog, options.DataDir);
        services.AddAtomVectors(configuration, catalog, options.DataDir);
        services.AddSingleton<ISearchSources, ChatAndFileSearchSources>();
        services.AddSingleton<ISearchAccess, ChatSearchAccess>();
        services.AddAtomSearch(configuration);
        services.AddSingleton<IVoiceFiles, StoredVoiceFiles>();
        services.AddSingleton<IAudioTranscriber, SpeechAudioTranscriber>();
        services.AddAtomVoice(configuration, catalog);

        services.AddAtomService<ServerInfoService>();

        services.AddSingleton<HealthStatusRegistry>();
        services.AddHostedService<HealthLifecycle>();
        services.AddAtomService<HealthService>();
        services.AddAtomService<ServerReflectionService>();
        services.AddAtomService<ServerReflectionV1AlphaService>();

        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (options.CorsOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(options.CorsOrigins);
            }

            // Browsers hide response headers from scripts unless they are exposed; gRPC-Web needs these.
            policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders(
                GrpcProtocol.StatusTrailer, GrpcProtocol.MessageTrailer, GrpcProtocol.StatusDetailsTrailer,
                GrpcProtocol.EncodingHeader, GrpcProtocol.AcceptEncodingHeader);
        }));
        return services;
    }

    /// <summary>Adds the server's middleware.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static WebApplication UseAtomServer(this WebApplication app)
    {
        // Only browsers send Origin; CORS resolves its policy provider from a per-request DI scope, so other callers skip it.
        app.UseWhen(http => http.Request.Headers.ContainsKey(HeaderNames.Origin), browser => browser.UseCors());
        app.UseAtomRpc();

        // Routing only after the RPC middleware: calls never pay for endpoint matching they do not use.
        app.UseRouting();
        app.MapAtomHealthz();
        return app;
    }
}
