using Atom.Cli.Tests.TestObjects;
using Atom.Grpc.Health.V1;
using Atom.Grpc.Reflection.V1;
using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Microsoft.Extensions.DependencyInjection;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// A real Atom server on loopback ports picked by the OS, for the CLI (a separate process) to call.
/// Health and reflection come from the server when it serves them, else from small test services,
/// so streaming and duplex calls are exercised either way.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    private AtomServer? _server;

    public AtomServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the gRPC address as the CLI's --server takes it.</summary>
    public string Address => Server.GrpcAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--Atom:GrpcUrl=http://127.0.0.1:0",
            "--Atom:HttpUrl=http://127.0.0.1:0",
            $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-cli-test-" + Guid.NewGuid().ToString("N"))}",
            "--Logging:LogLevel:Default=Warning",
        ];
        _server = AtomServer.Create(args, services =>
        {
            if (!services.Any(d => d.ServiceType == typeof(HealthBase)))
            {
                services.AddAtomService<TestHealthService>();
            }

            if (!services.Any(d => d.ServiceType == typeof(ServerReflectionBase)))
            {
                services.AddAtomService<TestReflectionService>();
            }

            services.Configure<AtomRpcOptions>(o => o.Interceptors.Add(typeof(AuthorizationRecorder)));
            Withhold(services, WithheldService);
        });
        await _server.StartAsync();
    }

    /// <summary>
    /// A service the CLI knows from the SDK that this server does not serve, so calling it shows the real
    /// server's UNIMPLEMENTED / METHOD_NOT_FOUND. The server serves every SDK service once health and
    /// reflection are in, so this one is taken out of the test server's registrations.
    /// </summary>
    public const string WithheldService = "grpc.reflection.v1alpha.ServerReflection";

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }

    private static void Withhold(IServiceCollection services, string serviceName)
    {
        // AddAtomService registers one singleton per service carrying its protobuf ServiceDescriptor.
        var registrations = services
            .Where(d => d.ImplementationInstance?.GetType().GetProperty("Descriptor")?.GetValue(d.ImplementationInstance) is ProtoServiceDescriptor s && s.FullName == serviceName)
            .ToList();
        foreach (var registration in registrations)
        {
            services.Remove(registration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CliServerCollection : ICollectionFixture<CliServer>
{
    public const string Name = "cli server";
}
