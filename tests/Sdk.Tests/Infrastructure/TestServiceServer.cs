using Atom.Sdk.Tests.TestObjects;
using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Sdk.Tests.Infrastructure;

/// <summary>A real Atom server on loopback ports picked by the OS, serving grpc.testing.TestService, with a header-recording interceptor.</summary>
public sealed class TestServiceServer : IAsyncLifetime
{
    private AtomServer? _server;

    public Uri GrpcAddress => Server.GrpcAddress;

    public Uri HttpAddress => Server.HttpAddress;

    private AtomServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--Atom:GrpcUrl=http://127.0.0.1:0",
            "--Atom:HttpUrl=http://127.0.0.1:0",
            $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-sdk-test-" + Guid.NewGuid().ToString("N"))}",
            "--Logging:LogLevel:Default=Warning",
            // The interop services send no credentials: they are open, like health.
            "--Atom:Authorization:AnonymousServices:0=grpc.health.v1.Health",
            "--Atom:Authorization:AnonymousServices:1=grpc.testing.TestService",
        ];
        _server = AtomServer.Create(args, services =>
        {
            services.AddAtomService<FlakyTestService>();
            services.Configure<AtomRpcOptions>(o => o.Interceptors.Add(typeof(HeaderRecordingInterceptor)));
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

/// <summary>Sees every HTTP exchange of a channel: the last request's headers and the last response's headers.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
{
    public HttpRequestMessage? LastRequest { get; private set; }

    public HttpResponseMessage? LastResponse { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastRequest = request;
        var response = await base.SendAsync(request, cancellationToken);
        LastResponse = response;
        return response;
    }
}

/// <summary>Answers every request with a canned HTTP response, for the client's handling of non-gRPC replies.</summary>
public sealed class CannedHandler(System.Net.HttpStatusCode status, string contentType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent([]);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return Task.FromResult(new HttpResponseMessage(status) { Content = content, Version = request.Version, RequestMessage = request });
    }
}
