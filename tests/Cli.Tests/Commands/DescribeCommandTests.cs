using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>describe reads the SDK's descriptors only: no server is needed.</summary>
public sealed class DescribeCommandTests
{
    [Fact]
    public async Task Lists_every_service_with_its_methods_kinds_and_http_rules()
    {
        var result = await AtomCli.RunAsync(["describe"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("atom.v1.ServerService", result.Stdout);
        Assert.Contains("grpc.health.v1.Health", result.Stdout);
        Assert.Contains("GetServerInfo", result.Stdout);
        Assert.Contains("server-streaming", result.Stdout);
        Assert.Contains("GET /v1/server/info", result.Stdout);
    }

    [Fact]
    public async Task Lists_services_as_json()
    {
        var result = await AtomCli.RunAsync(["describe", "--output", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var services = result.Json().GetProperty("services").EnumerateArray().ToList();
        var server = Assert.Single(services, s => s.GetProperty("name").GetString() == "atom.v1.ServerService");
        var method = Assert.Single(server.GetProperty("methods").EnumerateArray());
        Assert.Equal("atom.v1.ServerService/GetServerInfo", method.GetProperty("fullName").GetString());
        Assert.Equal("unary", method.GetProperty("kind").GetString());
        Assert.Equal("atom.v1.GetServerInfoResponse", method.GetProperty("responseType").GetString());
        var http = Assert.Single(method.GetProperty("http").EnumerateArray());
        Assert.Equal("GET", http.GetProperty("method").GetString());
        Assert.Equal("/v1/server/info", http.GetProperty("path").GetString());

        var health = Assert.Single(services, s => s.GetProperty("name").GetString() == "grpc.health.v1.Health");
        Assert.Contains(health.GetProperty("methods").EnumerateArray(), m => m.GetProperty("kind").GetString() == "server-streaming");
    }

    [Fact]
    public async Task Describes_one_service()
    {
        var result = await AtomCli.RunAsync(["describe", "grpc.health.v1.Health"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Watch", result.Stdout);
        Assert.DoesNotContain("GetServerInfo", result.Stdout);
    }

    [Fact]
    public async Task Describes_a_message_with_names_types_numbers_and_labels()
    {
        var table = await AtomCli.RunAsync(["describe", "atom.v1.GetServerInfoResponse"]);
        var json = await AtomCli.RunAsync(["describe", "atom.v1.GetServerInfoResponse", "-o", "json"]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("start_time", table.Stdout);
        Assert.Contains("google.protobuf.Timestamp", table.Stdout);
        Assert.Contains("repeated", table.Stdout);

        Assert.True(json.ExitCode == 0, json.ToString());
        var fields = json.Json().GetProperty("fields").EnumerateArray().ToList();
        var components = Assert.Single(fields, f => f.GetProperty("name").GetString() == "components");
        Assert.Equal(5, components.GetProperty("number").GetInt32());
        Assert.Equal("atom.v1.Component", components.GetProperty("type").GetString());
        Assert.Equal("repeated", components.GetProperty("label").GetString());
        var version = Assert.Single(fields, f => f.GetProperty("name").GetString() == "version");
        Assert.Equal("string", version.GetProperty("type").GetString());
        Assert.Equal(1, version.GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task An_unknown_name_is_a_usage_error_naming_it()
    {
        var result = await AtomCli.RunAsync(["describe", "atom.v1.NoSuchThing"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("atom.v1.NoSuchThing", result.Stderr);
    }
}
