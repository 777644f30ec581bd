using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class CallCommandTests(CliServer server)
{
    [Theory]
    [InlineData("atom.v1.ServerService/GetServerInfo")]
    [InlineData("atom.v1.ServerService.GetServerInfo")]
    [InlineData("ServerService/GetServerInfo")]
    public async Task Calls_a_unary_method_by_any_of_its_names(string name)
    {
        var result = await AtomCli.RunAsync(["call", name, "-d", "{}", "--server", server.Address]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("0.1.0", json.GetProperty("version").GetString());
        Assert.Contains(json.GetProperty("services").EnumerateArray(), s => s.GetString() == "atom.v1.ServerService");
    }

    [Fact]
    public async Task Json_output_is_one_line_per_response()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "--server", server.Address, "-o", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0.1.0", JsonDocument.Parse(Assert.Single(result.StdoutLines)).RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Reads_the_request_from_a_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"atom-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{ }\n");
        try
        {
            var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "-d", "@" + file, "--server", server.Address]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("0.1.0", result.Json().GetProperty("version").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Reads_the_request_from_stdin()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "-d", "@-", "--server", server.Address], stdin: "{}\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0.1.0", result.Json().GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_server_stream_prints_ndjson_and_a_short_timeout_ends_it_with_DEADLINE_EXCEEDED()
    {
        var result = await AtomCli.RunAsync(["call", "grpc.health.v1.Health/Watch", "-d", "{}", "--timeout", "2", "--server", server.Address]);

        Assert.True(result.ExitCode == 4, result.ToString());
        var first = JsonDocument.Parse(result.StdoutLines[0]).RootElement;
        Assert.Equal("SERVING", first.GetProperty("status").GetString());
        Assert.Contains("error: DEADLINE_EXCEEDED", result.Stderr);
    }

    [Fact]
    public async Task A_server_stream_prints_each_message_as_it_arrives_and_ctrl_c_ends_the_call_cleanly()
    {
        using var process = AtomCli.Start(["call", "grpc.health.v1.Health/Watch", "-d", "{}", "--timeout", "0", "--server", server.Address]);
        var stderr = process.StandardError.ReadToEndAsync();

        // The stream stays open (no deadline): the first line must arrive while the call still runs.
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        Assert.Equal("SERVING", JsonDocument.Parse(line).RootElement.GetProperty("status").GetString());
        Assert.False(process.HasExited);

        AtomCli.Interrupt(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("CANCELLED", await stderr);
    }

    [Fact]
    public async Task A_duplex_call_sends_ndjson_requests_from_stdin_and_prints_a_response_per_line()
    {
        const string requests = "{\"listServices\": \"\"}\n\n{\"fileByFilename\": \"atom/v1/server.proto\"}\n";
        var result = await AtomCli.RunAsync(["call", "grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "-d", "@-", "--server", server.Address], stdin: requests);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.StdoutLines.Length);
        var list = JsonDocument.Parse(result.StdoutLines[0]).RootElement.GetProperty("listServicesResponse");
        Assert.Contains(list.GetProperty("service").EnumerateArray(), s => s.GetProperty("name").GetString() == "atom.v1.ServerService");
    }

    [Fact]
    public async Task An_unknown_method_is_a_usage_error_naming_it()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/NoSuchMethod", "--server", server.Address]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("atom.v1.ServerService/NoSuchMethod", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task An_unknown_field_is_a_usage_error_naming_the_field()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "-d", "{\"verbose_please\": true}", "--server", server.Address]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("verbose_please", result.Stderr);
    }

    [Fact]
    public async Task Invalid_json_is_a_usage_error()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "-d", "{not json", "--server", server.Address]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("invalid JSON", result.Stderr);
    }

    [Fact]
    public async Task A_missing_request_file_is_a_usage_error_naming_it()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "-d", "@/nonexistent/request.json", "--server", server.Address]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("/nonexistent/request.json", result.Stderr);
    }

    [Fact]
    public async Task A_bad_option_value_is_a_usage_error()
    {
        var result = await AtomCli.RunAsync(["server", "info", "--output", "yaml"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("yaml", result.Stderr);
    }

    [Fact]
    public async Task A_server_that_is_not_running_is_UNAVAILABLE_with_exit_code_3()
    {
        var result = await AtomCli.RunAsync(["call", "atom.v1.ServerService/GetServerInfo", "--server", $"http://127.0.0.1:{FreePort()}", "--timeout", "10"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("error: UNAVAILABLE", result.Stderr);
    }

    [Fact]
    public async Task A_service_the_server_does_not_serve_is_UNIMPLEMENTED_with_its_ErrorInfo()
    {
        var method = await UnservedMethodAsync();

        var table = await AtomCli.RunAsync(["call", method, "-d", "{}", "--server", server.Address]);
        var json = await AtomCli.RunAsync(["call", method, "-d", "{}", "--server", server.Address, "-o", "json"]);

        Assert.True(table.ExitCode == 1, table.ToString());
        Assert.Contains("error: UNIMPLEMENTED: ", table.Stderr);
        Assert.Contains("reason: METHOD_NOT_FOUND", table.Stderr);
        Assert.Contains("atom.v1", table.Stderr);

        // With --output json, stderr is the google.rpc.Status as proto3 JSON.
        Assert.True(json.ExitCode == 1, json.ToString());
        var status = JsonDocument.Parse(json.Stderr).RootElement;
        Assert.Equal(12, status.GetProperty("code").GetInt32());
        var info = Assert.Single(status.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", info.GetProperty("@type").GetString());
        Assert.Equal("METHOD_NOT_FOUND", info.GetProperty("reason").GetString());
    }

    // A method the CLI knows from the SDK but this server does not serve (CliServer.WithheldService),
    // found by comparing 'describe' with 'server info'.
    private async Task<string> UnservedMethodAsync()
    {
        var known = await AtomCli.RunAsync(["describe", "-o", "json"]);
        var served = await AtomCli.RunAsync(["server", "info", "-o", "json", "--server", server.Address]);
        var servedNames = served.Json().GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToHashSet();
        var unserved = known.Json().GetProperty("services").EnumerateArray().First(s => !servedNames.Contains(s.GetProperty("name").GetString()));
        return unserved.GetProperty("methods")[0].GetProperty("fullName").GetString()!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
