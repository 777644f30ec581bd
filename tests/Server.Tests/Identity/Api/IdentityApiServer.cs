using System.Net.Http.Headers;
using Atom.Sdk;
using Atom.Server.Identity;
using Atom.Server.Identity.Stores;
using Atom.Server.Storage;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.Storage;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;
using Tenant = Atom.V1.Tenant;
using User = Atom.V1.User;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>The three faces a client can reach the identity API through.</summary>
public enum Face
{
    Grpc,
    GrpcWeb,
    Rest,
}

/// <summary>
/// A real server with the identity API, on either store, with fast password hashing (the 600,000-iteration
/// policy is tested in PasswordHasherTests), plus helpers that sign people in the way clients do: over RPC.
/// </summary>
public sealed class IdentityApiServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly TestServer _server = new();
    private readonly List<AtomChannel> _channels = [];

    private IdentityApiServer()
    {
    }

    public TestServer Test => _server;

    public static async Task<IdentityApiServer> StartAsync(string provider = "sqlite", params string[] arguments)
    {
        var server = new IdentityApiServer();
        var (options, dataDir) = await StoreProvider.CreateAsync(provider);
        foreach (var argument in StoreProvider.ServerArguments(options, dataDir).Concat(["--Atom:Identity:PasswordIterations=1000"]).Concat(arguments))
        {
            server._server.Arguments.Add(argument);
        }

        await server._server.InitializeAsync();
        return server;
    }

    /// <summary>A channel to the gRPC port (or, for <see cref="Face.GrpcWeb"/>, the HTTP/1.1 port) sending <paramref name="token"/>.</summary>
    public AtomChannel Channel(string? token, Face face = Face.Grpc)
    {
        var channel = face == Face.GrpcWeb
            ? AtomChannel.ForAddress(_server.HttpAddress.ToString(), new AtomChannelOptions { Protocol = RpcProtocol.GrpcWeb, Credentials = CallCredentials.FromBearerToken(token) })
            : AtomChannel.ForAddress(_server.GrpcAddress.ToString(), new AtomChannelOptions { Credentials = CallCredentials.FromBearerToken(token) });
        _channels.Add(channel);
        return channel;
    }

    /// <summary>A JSON REST client on the HTTP/1.1 port sending <paramref name="token"/>.</summary>
    public HttpClient Rest(string? token)
    {
        var client = new HttpClient { BaseAddress = _server.HttpAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public AuthServiceClient Auth(string? token = null) => new(Channel(token));

    public UserServiceClient Users(string token = TestServer.AdminToken) => new(Channel(token));

    /// <summary>Creates a user in a tenant (as the platform administrator) and signs them in.</summary>
    /// <returns>The user and their access token.</returns>
    public async Task<(User User, SignInResponse SignIn)> CreateSignedInUserAsync(string email, string tenant = "default", params Role[] roles)
    {
        var user = (await Users().CreateUserAsync(new CreateUserRequest { Email = email, Password = Password, Tenant = tenant, Roles = { roles } })).User;
        var signIn = await Auth().SignInAsync(new SignInRequest { Tenant = tenant, Email = email, Password = Password });
        return (user, signIn);
    }

    /// <summary>Creates a tenant with an owner, signed in.</summary>
    public async Task<(Tenant Tenant, string OwnerToken, User Owner)> CreateTenantAsync(string name)
    {
        var tenant = (await new TenantServiceClient(Channel(TestServer.AdminToken)).CreateTenantAsync(new CreateTenantRequest { Name = name })).Tenant;
        var (owner, signIn) = await CreateSignedInUserAsync($"owner@{name}.example", name, Role.Owner);
        return (tenant, signIn.Tokens.AccessToken, owner);
    }

    /// <summary>The security events recorded in a tenant, oldest first.</summary>
    public async Task<List<AuditEvent>> AuditEventsAsync(string tenant = "default")
    {
        var services = _server.Server.Services;
        var found = await services.GetRequiredService<TenantStore>().FindByNameAsync(tenant) ?? throw new InvalidOperationException("No tenant " + tenant);
        var page = await services.GetRequiredService<AuditLog>().ListAsync(found.Id, new PageRequest(500));
        return [.. page.Items.Select(e => e.Event)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await _server.DisposeAsync();
    }
}
