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

    /// <summary>Extra --Atom:... arguments for a test class that needs other settings.</summary>
    public IList<string> Arguments { get; } = [];

    public async Task InitializeAsync()
    {
        string[] args = ["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-test-" + Guid.NewGuid().ToString("N"))}", "--Logging:LogLevel:Default=Warning", .. Arguments];
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
    public HttpClient CreateHttp2Client() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = GrpcAddress,
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>An HttpClient for the HTTP/1.1 port (gRPC-Web, REST).</summary>
    public HttpClient CreateHttp1Client() => new() { BaseAddress = HttpAddress };
}
