using Atom.Cli.Tests.TestObjects;
using Atom.Grpc.Health.V1;
using Atom.Grpc.Reflection.V1;
using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Microsoft.Extensions.DependencyInjection;

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
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CliServerCollection : ICollectionFixture<CliServer>
{
    public const string Name = "cli server";
}
