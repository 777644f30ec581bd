using Atom.Cli.Tests.Infrastructure;
using Atom.Cli.Tests.TestObjects;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class ServerCommandTests(CliServer server)
{
    [Fact]
    public async Task Info_as_a_table_shows_version_components_and_services()
    {
        var result = await AtomCli.RunAsync(["server", "info", "--server", server.Address]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0.1.0", result.Stdout);
        Assert.Contains("Runtime", result.Stdout);
        Assert.Contains("Components", result.Stdout);
        Assert.Contains("transport.grpc", result.Stdout);
        Assert.Contains("atom.v1.ServerService", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Info_as_json_is_the_proto3_json_of_the_response()
    {
        var result = await AtomCli.RunAsync(["server", "info", "--server", server.Address, "--output", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.StdoutLines);
        var json = result.Json();
        Assert.Equal("0.1.0", json.GetProperty("version").GetString());
        Assert.True(json.TryGetProperty("startTime", out _));
        Assert.Contains(json.GetProperty("services").EnumerateArray(), s => s.GetString() == "atom.v1.ServerService");
        Assert.Contains(json.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "transport.grpc");
    }

    [Fact]
    public async Task The_server_comes_from_ATOM_SERVER_when_there_is_no_option()
    {
        var result = await AtomCli.RunAsync(["server", "info", "-o", "json"], environment: new Dictionary<string, string> { ["ATOM_SERVER"] = server.Address });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0.1.0", result.Json().GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_token_is_sent_as_bearer_credentials_from_the_option_and_from_ATOM_TOKEN()
    {
        var bogus = "not-a-token-" + Guid.NewGuid().ToString("N");

        var fromOption = await AtomCli.RunAsync(["server", "info", "--server", server.Address, "--token", CliServer.AdminToken, "-o", "json"],
            environment: new Dictionary<string, string> { ["ATOM_TOKEN"] = bogus });
        var fromEnvironment = await AtomCli.RunAsync(["server", "info", "--server", server.Address, "-o", "json"],
            environment: new Dictionary<string, string> { ["ATOM_TOKEN"] = bogus });

        // The option wins over the environment, and the real server checks what arrives.
        Assert.True(fromOption.ExitCode == 0, fromOption.ToString());
        Assert.Contains("Bearer " + CliServer.AdminToken, AuthorizationRecorder.Seen);
        Assert.Equal(1, fromEnvironment.ExitCode);
        Assert.Equal(16, System.Text.Json.JsonDocument.Parse(fromEnvironment.Stderr).RootElement.GetProperty("code").GetInt32()); // UNAUTHENTICATED
        Assert.Contains("CREDENTIAL_INVALID", fromEnvironment.Stderr, StringComparison.Ordinal);
    }
}
