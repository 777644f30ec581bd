using Atom.Cli.Tests.TestObjects;
using Atom.Sdk;
using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// A real Atom server on loopback ports picked by the OS, for the CLI (a separate process) to call.
/// One SDK service is disabled on it, so the CLI has something the real server answers UNIMPLEMENTED for.
/// Subclasses add configuration, for tests that need a server of their own.
/// </summary>
public class CliServer : IAsyncLifetime
{
    private AtomServer? _server;
    private string? _address;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "atom-cli-test-" + Guid.NewGuid().ToString("N"));

    public AtomServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the gRPC address as the CLI's --server takes it (the same across <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>).</summary>
    public string Address => _address ?? throw new InvalidOperationException("Not started.");

    /// <summary>The bootstrap admin's API key; the CLI sends it unless a test says otherwise.</summary>
    public const string AdminToken = "atom_t3stadm1_GLckSADAV9xkIfKd0SI23jBb0-c3QmLWHofAKr0_zKw";

    public Task InitializeAsync() => StartAsync("http://127.0.0.1:0");

    /// <summary>Stops the server the way a deploy or a crash does to its clients: their connections go.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same address and with the same data.</summary>
    public Task StartAgainAsync() => StartAsync(Address);

    private async Task StartAsync(string grpcUrl)
    {
        string[] args =
        [
            $"--Atom:GrpcUrl={grpcUrl}",
            "--Atom:HttpUrl=http://127.0.0.1:0",
            $"--Atom:DataDir={_dataDir}",
            "--Logging:LogLevel:Default=Warning",
            $"--Atom:Rpc:DisabledServices:0={WithheldService}",
            $"--Atom:Bootstrap:AdminToken={AdminToken}",
            .. Configuration,
        ];
        _server = AtomServer.Create(args, services =>
        {
            services.Configure<AtomRpcOptions>(o => o.Interceptors.Add(typeof(AuthorizationRecorder)));
            AddServices(services);
        });
        await _server.StartAsync();
        _address = _server.GrpcAddress.ToString().TrimEnd('/');
    }

    /// <summary>
    /// A service the CLI knows from the SDK that this server does not serve, so calling it shows the real
    /// server's UNIMPLEMENTED / METHOD_NOT_FOUND. The server serves every SDK service once health and
    /// reflection are in, so this one is turned off with Atom:Rpc:DisabledServices.
    /// </summary>
    public const string WithheldService = "grpc.reflection.v1alpha.ServerReflection";

    /// <summary>A password every test user gets: long and uncommon enough for the password policy.</summary>
    public const string Password = "correct horse battery staple";

    /// <summary>Gets configuration added to the server's command line, as <c>--Atom:Section:Key=value</c>.</summary>
    protected virtual IEnumerable<string> Configuration => [];

    /// <summary>Adds services (test interceptors) to the server's, each time it starts.</summary>
    /// <param name="services">The server's services.</param>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>Gets a channel to the server as the bootstrap admin, or with another token.</summary>
    public AtomChannel Channel(string? token = AdminToken) =>
        AtomChannel.ForAddress(Address, new AtomChannelOptions { Credentials = token is null ? null : CallCredentials.FromBearerToken(token) });

    /// <summary>Creates a user in the admin's tenant (or another) with <see cref="Password"/>, through the SDK: setup, not the thing tested.</summary>
    /// <param name="name">A word for the email; a random suffix keeps tests apart.</param>
    /// <param name="roles">The roles; none means member.</param>
    public async Task<User> CreateUserAsync(string name, params Role[] roles) => await CreateUserInAsync(string.Empty, name, roles);

    /// <summary>Creates a user in a tenant with <see cref="Password"/>.</summary>
    public async Task<User> CreateUserInAsync(string tenant, string name, params Role[] roles)
    {
        using var channel = Channel();
        var request = new CreateUserRequest
        {
            Email = $"{name}-{Guid.NewGuid().ToString("N")[..8]}@example.com",
            Password = Password,
            Tenant = tenant,
            RequestId = Guid.NewGuid().ToString(),
        };
        request.Roles.Add(roles);
        return (await new UserServiceClient(channel).CreateUserAsync(request)).User;
    }

    public Task DisposeAsync() => StopAsync();

}

[CollectionDefinition(Name)]
public sealed class CliServerCollection : ICollectionFixture<CliServer>
{
    public const string Name = "cli server";
}
