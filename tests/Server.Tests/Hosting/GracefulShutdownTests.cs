using Atom.Grpc.Health.V1;
using Atom.Server.Rpc.Health;
using Atom.Server.Tests.Infrastructure;
using Atom.Server.Tests.TestObjects;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Tests.Hosting;

/// <summary>Stopping a server: in-flight calls finish, watchers are told and their streams end cleanly.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_lets_in_flight_unary_calls_finish_and_ends_watch_streams_with_ok()
    {
        var server = new TestServer();
        await server.InitializeAsync();
        using var client = server.CreateHttp2Client();

        await using var watch = RawGrpcCall.Start(client, "/grpc.health.v1.Health/Watch");
        await watch.SendAsync(new HealthCheckRequest { Service = "" });
        watch.Complete();
        Assert.Equal(ServingStatus.Serving, (await watch.ReadAsync(HealthCheckResponse.Parser))!.Status);

        var slow = client.SendAsync(GrpcWire.Request("/atomtest.v1.EchoService/Echo", GrpcWire.Frame(new EchoRequest { Message = "slow", DelayMs = 1500 })));
        await Task.Delay(300);
        var registry = server.Server.Services.GetRequiredService<HealthStatusRegistry>();

        var stopping = server.Server.StopAsync();

        // Load balancers hear NOT_SERVING first, then the watch ends with OK rather than being cut off.
        Assert.Equal(ServingStatus.NotServing, (await watch.ReadAsync(HealthCheckResponse.Parser))!.Status);
        Assert.Null(await watch.ReadAsync(HealthCheckResponse.Parser));
        Assert.Equal(0, await watch.StatusAsync());
        Assert.True(registry.IsShuttingDown);

        using var response = await slow;
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0, GrpcWire.GrpcStatus(response));
        Assert.Equal("slow", EchoResponse.Parser.ParseFrom(body.AsSpan(5).ToArray()).Message);

        await stopping;
        await server.Server.DisposeAsync();
    }

    [Fact]
    public async Task Healthz_is_200_while_serving_and_503_once_shutdown_begins()
    {
        var server = new TestServer();
        await server.InitializeAsync();
        try
        {
            using var client = server.CreateHttp1Client();
            using var serving = await client.GetAsync("/healthz");
            var json = System.Text.Json.JsonDocument.Parse(await serving.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(System.Net.HttpStatusCode.OK, serving.StatusCode);
            Assert.Equal("application/json", serving.Content.Headers.ContentType?.MediaType);
            Assert.Equal("SERVING", json.GetProperty("status").GetString());
            Assert.Equal("SERVING", json.GetProperty("services").GetProperty("atomtest.v1.EchoService").GetString());
            Assert.Equal("SERVING", json.GetProperty("services").GetProperty("grpc.health.v1.Health").GetString());

            // Shutdown's first step, as ApplicationStopping runs it, while the listeners still answer.
            server.Server.Services.GetRequiredService<HealthStatusRegistry>().EnterShutdown();
            using var draining = await client.GetAsync("/healthz");
            var drainingJson = System.Text.Json.JsonDocument.Parse(await draining.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, draining.StatusCode);
            Assert.Equal("NOT_SERVING", drainingJson.GetProperty("status").GetString());
            Assert.Equal("NOT_SERVING", drainingJson.GetProperty("services").GetProperty("atomtest.v1.EchoService").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Healthz_answers_on_the_grpc_port_too()
    {
        var server = new TestServer();
        await server.InitializeAsync();
        try
        {
            using var client = server.CreateHttp2Client();
            using var response = await client.GetAsync("/healthz");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
