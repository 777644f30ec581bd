using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>Scripts read <c>--output json</c>: every identity command prints JSON documents, one a line, and nothing else on stdout.</summary>
[Collection(CliServerCollection.Name)]
public sealed class JsonOutputTests(CliServer server)
{
    [Fact]
    public async Task Every_identity_command_prints_one_json_document_per_line()
    {
        var user = await server.CreateUserAsync("json");
        using var home = new CliHome(server.Address);
        var tenant = "json-" + Guid.NewGuid().ToString("N")[..8];
        var email = $"json-{Guid.NewGuid().ToString("N")[..8]}@example.com";

        var login = await home.RunAsync(["login", "--email", user.Email, "--password-stdin", "-o", "json"], CliServer.Password);
        var whoami = await home.RunAsync("whoami", "-o", "json");
        var keysCreate = await home.RunAsync("keys", "create", "--name", "json", "-o", "json");
        var keyId = Parse(keysCreate).Single().GetProperty("apiKey").GetProperty("id").GetString()!;
        var results = new List<CliResult>
        {
            login,
            whoami,
            keysCreate,
            await home.RunAsync("keys", "list", "-o", "json"),
            await home.RunAsync("keys", "revoke", keyId, "-o", "json"),
            await Admin("tenants", "create", tenant, "-o", "json"),
            await Admin("tenants", "list", "-o", "json"),
            await AtomCli.RunAsync(["users", "create", email, "--password-stdin", "-o", "json", "--server", server.Address], CliServer.Password),
            await Admin("users", "list", "-o", "json"),
            await Admin("users", "roles", user.Id, "--role", "member", "-o", "json"),
            await Admin("users", "disable", user.Id, "-o", "json"),
            await home.RunAsync("logout", "-o", "json"),
        };

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.NotEmpty(Parse(result));
        }

        Assert.Equal(user.Email, Parse(login).Single().GetProperty("principal").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Errors_in_json_mode_are_a_google_rpc_status_on_stderr()
    {
        var result = await AtomCli.RunAsync(["users", "create", "weak@example.com", "--password-stdin", "-o", "json", "--server", server.Address], "short");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        using var status = JsonDocument.Parse(result.Stderr);
        Assert.Equal(3, status.RootElement.GetProperty("code").GetInt32());
    }

    private Task<CliResult> Admin(params string[] args) => AtomCli.RunAsync([.. args, "--server", server.Address]);

    private static List<JsonElement> Parse(CliResult result) =>
        result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
}
