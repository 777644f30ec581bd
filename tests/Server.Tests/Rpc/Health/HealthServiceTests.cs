using Atom.Grpc.Health.V1;
using Atom.Server.Rpc.Health;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Tests.Rpc.Health;

public sealed class HealthServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private const string CheckPath = "/grpc.health.v1.Health/Check";
    private const string WatchPath = "/grpc.health.v1.Health/Watch";

    private HealthStatusRegistry Statuses => server.Server.Services.GetRequiredService<HealthStatusRegistry>();

    [Theory]
    [InlineData("")]
    [InlineData("grpc.health.v1.Health")]
    [InlineData("atomtest.v1.EchoService")]
    [InlineData("grpc.reflection.v1.ServerReflection")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection")]
    [InlineData("atom.v1.ServerService")]
    public async Task Check_reports_the_server_and_every_registered_service_serving(string service)
    {
        var (status, response) = await CheckAsync(service);

        Assert.Equal(0, status);
        Assert.Equal(ServingStatus.Serving, response!.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_not_found_with_a_clear_message()
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = "no.such.Service" })));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(5, GrpcWire.GrpcStatus(response));
        var message = Uri.UnescapeDataString(GrpcWire.GrpcMessage(response)!);
        Assert.Contains("'no.such.Service'", message, StringComparison.Ordinal);
        Assert.Contains("not served here", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_follows_the_registry()
    {
        const string service = "atomtest.v1.CheckFollows";
        Statuses.SetStatus(service, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, (await CheckAsync(service)).Response!.Status);

        Statuses.SetStatus(service, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await CheckAsync(service)).Response!.Status);

        Statuses.ClearStatus(service);
        Assert.Equal(5, (await CheckAsync(service)).Status);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_every_change()
    {
        const string service = "atomtest.v1.WatchChanges";
        Statuses.SetStatus(service, ServingStatus.Serving);
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, WatchPath);
        await call.SendAsync(new HealthCheckRequest { Service = service });
        call.Complete();

        Assert.Equal(ServingStatus.Serving, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
        Statuses.SetStatus(service, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
        Statuses.SetStatus(service, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_says_service_unknown_and_keeps_watching()
    {
        const string service = "atomtest.v1.LateComer";
        using var client = server.CreateHttp2Client();
        await using var call = RawGrpcCall.Start(client, WatchPath);
        await call.SendAsync(new HealthCheckRequest { Service = service });
        call.Complete();

        Assert.Equal(ServingStatus.ServiceUnknown, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
        Statuses.SetStatus(service, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
        Statuses.ClearStatus(service);
        Assert.Equal(ServingStatus.ServiceUnknown, (await call.ReadAsync(HealthCheckResponse.Parser))!.Status);
    }

    [Fact]
    public async Task Check_through_reflection_with_buf_curl()
    {
        var result = await BufCurl.RunAsync("--protocol", "grpc", "--http2-prior-knowledge", "-d", "{\"service\":\"\"}", $"{server.GrpcAddress}grpc.health.v1.Health/Check");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("\"SERVING\"", result.Output, StringComparison.Ordinal);
    }

    private async Task<(int? Status, HealthCheckResponse? Response)> CheckAsync(string service)
    {
        using var client = server.CreateHttp2Client();
        using var response = await client.SendAsync(GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = service })));
        var body = await response.Content.ReadAsByteArrayAsync();
        return (GrpcWire.GrpcStatus(response), body.Length >= 5 ? HealthCheckResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()) : null);
    }
}
