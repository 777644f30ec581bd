using System.Net;
using System.Text.Json;
using Atom.Google.Rpc;
using Atom.Grpc.Health.V1;
using Atom.Sdk;
using Atom.Server.Hosting;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Identity.Authorization;

/// <summary>
/// The access rules enforced on a real server, through gRPC and REST. Credentials come from a fixed table
/// standing in for the identity store (the seam ICallerAuthenticator is what Identity implements).
/// </summary>
public sealed class AuthorizationInterceptorTests(AuthorizationInterceptorTests.Server server) : IClassFixture<AuthorizationInterceptorTests.Server>
{
    [Fact]
    public async Task A_call_without_credentials_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.ServerInfo(token: null).GetServerInfoAsync(new()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("UNAUTHENTICATED", error.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_bad_credential_says_why()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.ServerInfo("expired").GetServerInfoAsync(new()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("CREDENTIAL_EXPIRED", error.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_role_without_the_permission_is_denied_and_one_with_it_is_served()
    {
        var denied = await Assert.ThrowsAsync<RpcException>(() => server.ServerInfo("guest").GetServerInfoAsync(new()).ResponseAsync);
        var info = await server.ServerInfo("member").GetServerInfoAsync(new());

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("server_read", denied.GetDetail<ErrorInfo>()?.Metadata["permission"]);
        Assert.NotEmpty(info.Version);
    }

    [Fact]
    public async Task An_api_key_is_held_to_its_scopes()
    {
        var denied = await Assert.ThrowsAsync<RpcException>(() => server.ServerInfo("key-audit-only").GetServerInfoAsync(new()).ResponseAsync);
        var info = await server.ServerInfo("key-server-read").GetServerInfoAsync(new());

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("scope", denied.Status.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(info.Version);
    }

    [Fact]
    public async Task Health_is_anonymous()
    {
        using var channel = AtomChannel.ForAddress(server.Atom.GrpcAddress.ToString());
        var health = await new HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task A_method_that_declares_no_rule_is_refused()
    {
        // The echo test service's contract carries no (atom.v1.access) option and is not configured either.
        using var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "admin");
        using var response = await http.PostAsync("/v1/echo", new StringContent("{\"message\":\"hi\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("declares no access rule", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Basic dXNlcjpwYXNz", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer guest", HttpStatusCode.Forbidden)]
    [InlineData("Bearer member", HttpStatusCode.OK)]
    public async Task Rest_answers_with_the_matching_http_status(string? authorization, HttpStatusCode expected)
    {
        using var http = server.CreateHttpClient();
        if (authorization is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("authorization", authorization);
        }

        using var response = await http.GetAsync("/v1/server/info");

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(expected == HttpStatusCode.Unauthorized ? 16 : 7, body.RootElement.GetProperty("code").GetInt32());
        }
    }

    [Fact]
    public async Task The_handler_sees_the_caller()
    {
        var info = await server.ServerInfo("member").GetServerInfoAsync(new());

        Assert.Equal("member-id", server.Atom.Services.GetRequiredService<TokenTable>().LastCaller?.PrincipalId);
        Assert.NotNull(info);
    }

    /// <summary>A real server with authorization on and a fixed table of credentials.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public AtomServer Atom { get; private set; } = null!;

        public ServerServiceClient ServerInfo(string? token)
        {
            var channel = AtomChannel.ForAddress(Atom.GrpcAddress.ToString(), new AtomChannelOptions { Credentials = CallCredentials.FromBearerToken(token) });
            return new ServerServiceClient(channel);
        }

        public HttpClient CreateHttpClient() => new() { BaseAddress = Atom.HttpAddress };

        public async Task InitializeAsync()
        {
            string[] args = ["--Atom:GrpcUrl=http://127.0.0.1:0", "--Atom:HttpUrl=http://127.0.0.1:0", $"--Atom:DataDir={Path.Combine(Path.GetTempPath(), "atom-authz-" + Guid.NewGuid().ToString("N"))}", "--Logging:LogLevel:Default=Warning"];
            Atom = AtomServer.Create(args, services =>
            {
                services.AddAtomService<TestObjects.EchoServiceImpl>();
                services.AddSingleton<TokenTable>();
                services.AddSingleton<ICallerAuthenticator>(sp => sp.GetRequiredService<TokenTable>());
                services.AddAtomAuthorization(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            });
            await Atom.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Atom.StopAsync();
            await Atom.DisposeAsync();
        }
    }

    /// <summary>Stands in for the identity store: a few fixed credentials and the callers they belong to.</summary>
    public sealed class TokenTable : ICallerAuthenticator
    {
        private static readonly Dictionary<string, Caller> Callers = new()
        {
            ["guest"] = Make("guest-id", [Role.Guest], []),
            ["member"] = Make("member-id", [Role.Member], []),
            ["admin"] = Make("admin-id", [Role.Admin], []),
            ["key-audit-only"] = Make("svc-id", [Role.Admin], ["audit_read"]),
            ["key-server-read"] = Make("svc-id", [Role.Admin], ["server_read"]),
        };

        public Caller? LastCaller { get; private set; }

        public ValueTask<AuthenticationOutcome> AuthenticateAsync(string credential, CancellationToken cancellationToken)
        {
            if (credential == "expired")
            {
                return ValueTask.FromResult(AuthenticationOutcome.Failed(ErrorReason.CredentialExpired, "The access token expired at 2026-01-01T00:00:00Z."));
            }

            LastCaller = Callers.GetValueOrDefault(credential);
            return ValueTask.FromResult(LastCaller is null ? AuthenticationOutcome.Failed(ErrorReason.CredentialInvalid, "Unknown credential.") : AuthenticationOutcome.Success(LastCaller));
        }

        private static Caller Make(string id, Role[] roles, string[] scopes) =>
            new(id, Principal.Types.Kind.User, "tenant-a", roles.ToHashSet(), false, scopes, "access_token");
    }
}
