using Atom.Server.Storage;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// The servers token abuse needs, started in parallel: the server under attack (tenant "initech" with a
/// signed-in owner), an unrelated server whose signing keys differ, a server sharing the first one's store (and
/// so its signing keys) but with another issuer, and a server whose access tokens live one second.
/// </summary>
public sealed class TokenAbuseServers : IAsyncLifetime
{
    private readonly List<IdentityApiServer> _servers = [];

    /// <summary>Gets the server under attack.</summary>
    public IdentityApiServer Main { get; private set; } = null!;

    public Tenant Tenant { get; private set; } = null!;

    public string OwnerToken { get; private set; } = string.Empty;

    public User Owner { get; private set; } = null!;

    /// <summary>Gets the bootstrap platform administrator, as <see cref="Main"/> knows them.</summary>
    public Principal Admin { get; private set; } = null!;

    /// <summary>Gets an access token issued by another server, with keys of its own.</summary>
    public string ElsewhereToken { get; private set; } = string.Empty;

    /// <summary>Gets an access token for initech's owner, signed with <see cref="Main"/>'s key by a server whose issuer is "other".</summary>
    public string OtherIssuerToken { get; private set; } = string.Empty;

    /// <summary>Gets the server whose issuer is "other", on <see cref="Main"/>'s store.</summary>
    public IdentityApiServer OtherIssuer { get; private set; } = null!;

    /// <summary>Gets the server issuing one-second access tokens, with no clock skew allowed.</summary>
    public IdentityApiServer ShortLived { get; private set; } = null!;

    public string ShortLivedToken { get; private set; } = string.Empty;

    public DateTimeOffset ShortLivedTokenExpiry { get; private set; }

    public async Task InitializeAsync()
    {
        await Task.WhenAll(StartMainAsync(), StartElsewhereAsync(), StartShortLivedAsync());

        // Main has made its signing key (signing initech's owner in): the other-issuer server finds it in the store and signs with it too.
        var store = Main.Test.Server.Services.GetRequiredService<AtomDatabase>().Location;
        OtherIssuer = await StartAsync("--Atom:Identity:Issuer=other", $"--Atom:Storage:ConnectionString=Data Source={store}");
        OtherIssuerToken = (await OtherIssuer.Auth().SignInAsync(new SignInRequest { Tenant = Tenant.Name, Email = Owner.Email, Password = IdentityApiServer.Password })).Tokens.AccessToken;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task StartMainAsync()
    {
        Main = await StartAsync();
        (Tenant, OwnerToken, Owner) = await Main.CreateTenantAsync("initech");
        using var admin = FaceClient.Bearer(Main, Face.Grpc, Infrastructure.TestServer.AdminToken);
        Admin = (await admin.CallAsync(IdentityCalls.GetCurrentIdentity())).Principal;
    }

    private async Task StartElsewhereAsync()
    {
        var elsewhere = await StartAsync();
        ElsewhereToken = (await elsewhere.CreateSignedInUserAsync("someone@elsewhere.example")).SignIn.Tokens.AccessToken;
    }

    private async Task StartShortLivedAsync()
    {
        ShortLived = await StartAsync("--Atom:Identity:AccessTokenLifetime=00:00:01", "--Atom:Identity:ClockSkew=00:00:00");
        var tokens = (await ShortLived.CreateSignedInUserAsync("brief@short.example")).SignIn.Tokens;
        (ShortLivedToken, ShortLivedTokenExpiry) = (tokens.AccessToken, tokens.AccessTokenExpireTime.ToDateTimeOffset());
    }

    private async Task<IdentityApiServer> StartAsync(params string[] arguments)
    {
        var server = await IdentityApiServer.StartAsync("sqlite", arguments);
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }
}
