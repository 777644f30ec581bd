using System.Net;
using Atom.Server.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atom.Server.Hosting;

/// <summary>Builds and runs an Atom server; used by Program and by tests that start real servers on loopback.</summary>
public sealed class AtomServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _grpc;
    private readonly ListenOptions _http;

    private AtomServer(WebApplication app, ListenOptions grpc, ListenOptions http)
    {
        _app = app;
        _grpc = grpc;
        _http = http;
    }

    /// <summary>Gets the native gRPC address, with the bound port.</summary>
    public Uri GrpcAddress => Address(_grpc);

    /// <summary>Gets the gRPC-Web/REST address, with the bound port.</summary>
    public Uri HttpAddress => Address(_http);

    /// <summary>Gets the server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Creates a server from command-line arguments (<c>--Atom:GrpcUrl=...</c>) and the environment (<c>Atom__GrpcUrl</c>).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="configure">Adds to or replaces services, e.g. in tests.</param>
    /// <returns>The server, not yet started.</returns>
    public static AtomServer Create(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Defaults below every other source (appsettings, Atom__ variables, --flags), so any of them can override.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultSettings });
        var options = builder.Configuration.GetSection(AtomServerOptions.Section).Get<AtomServerOptions>() ?? new AtomServerOptions();
        builder.Services.Configure<AtomServerOptions>(builder.Configuration.GetSection(AtomServerOptions.Section));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);

        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            grpc = Listen(kestrel, options.GrpcUrl, "Atom:GrpcUrl", HttpProtocols.Http2);
            http = Listen(kestrel, options.HttpUrl, "Atom:HttpUrl", HttpProtocols.Http1);
        });

        builder.Services.AddAtomServer(builder.Configuration, options);
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAtomServer();

        // ConfigureKestrel runs while the host is built, so both endpoints exist by now.
        return new AtomServer(app, grpc!, http!);
    }

    /// <summary>
    /// Log levels by default: ASP.NET's per-request hosting logs are off, because with them on (at any level) hosting
    /// creates an Activity and a log scope for every request, about 800 bytes; Atom logs calls in its own interceptor.
    /// </summary>
    private static readonly Dictionary<string, string?> DefaultSettings = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
    };

    /// <summary>Starts listening.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server listens.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    /// <summary>Waits for shutdown (Ctrl+C or SIGTERM) of a started server, then drains open calls.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops gracefully: no new calls, open ones get <see cref="AtomServerOptions.ShutdownTimeout"/> to finish.</summary>
    /// <param name="cancellationToken">Ends the wait early.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static ListenOptions Listen(KestrelServerOptions kestrel, string url, string key, HttpProtocols protocols)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new OptionsValidationException(key, typeof(AtomServerOptions),
                [$"{key} must be an http:// URL with a host and port, e.g. http://127.0.0.1:7400; got '{url}'."]);
        }

        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            bound = listen;
        }

        if (uri.Host is "localhost")
        {
            kestrel.Listen(IPAddress.Loopback, uri.Port, Configure);
        }
        else if (uri.Host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, uri.Port, Configure);
        }
        else
        {
            throw new OptionsValidationException(key, typeof(AtomServerOptions), [$"{key} must name an IP address or localhost; got '{uri.Host}'."]);
        }

        return bound!;
    }

    private static Uri Address(ListenOptions listen)
    {
        var endpoint = listen.IPEndPoint!;
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString();
        return new Uri($"http://{host}:{endpoint.Port}");
    }
}
