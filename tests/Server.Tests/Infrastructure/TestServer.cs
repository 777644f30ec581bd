using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Atom.Server.Tests.TestObjects;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>A real Atom server on loopback ports picked by the OS, with the test services added.</summary>
public sealed class TestServer : IAsyncLifetime
{
    private AtomServer? _server;

    public AtomServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public Uri GrpcAddress => Server.GrpcAddress;

    public Uri HttpAddress => Server.HttpAddress;

    /// <summary>The bootstrap admin's API key: a platform administrator and owner of the default tenant.</summary>
    public const string AdminToken = "atom_t3stadm1_GLckSADAV9xkIfKd0SI23jBb0-c3QmLWHofAKr0_zKw";

    /// <summary>Extra --Atom:... arguments for a test class that needs other settings.</summary>
    public IList<string> Arguments { get; } = [];

    public async Task InitializeAsync()
    {
        string[] args = ["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-test-" + Guid.NewGuid().ToString("N"))}", "--Logging:LogLevel:Default=Warning",
            $"--Atom:Bootstrap:AdminToken={AdminToken}",
            // The echo test service's contract carries no access rule: let anyone call it, as health.
            "--Atom:Authorization:AnonymousServices:0=grpc.health.v1.Health", "--Atom:Authorization:AnonymousServices:1=atomtest.v1.EchoService",
            .. Arguments];
        _server = AtomServer.Create(args, services => services.AddAtomService<EchoServiceImpl>());
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

    /// <summary>An HttpClient that speaks HTTP/2 with prior knowledge (h2c) to the gRPC port.</summary>
    public HttpClient CreateHttp2Client() => Authorized(new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = GrpcAddress,
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    });

    /// <summary>An HttpClient for the HTTP/1.1 port (gRPC-Web, REST).</summary>
    public HttpClient CreateHttp1Client() => Authorized(new() { BaseAddress = HttpAddress });

    /// <summary>Clients send the admin key unless a test removes it: most tests are about something else.</summary>
    private static HttpClient Authorized(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        return client;
    }
}
