using Atom.Server.Rpc.Health;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Tests.Rpc.Health;

public sealed class HealthStatusRegistryTests
{
    [Fact]
    public void Unknown_services_have_no_status()
    {
        var registry = new HealthStatusRegistry();

        Assert.Null(registry.GetStatus("a.B"));
        Assert.Null(registry.GetStatus(HealthStatusRegistry.Server));
    }

    [Fact]
    public void Start_marks_services_serving_but_keeps_a_status_their_owner_set()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("a.Busy", ServingStatus.NotServing);

        registry.MarkStarted(["a.Free", "a.Busy"]);

        Assert.Equal(ServingStatus.Serving, registry.GetStatus("a.Free"));
        Assert.Equal(ServingStatus.NotServing, registry.GetStatus("a.Busy"));
        Assert.Equal(ServingStatus.Serving, registry.GetStatus(HealthStatusRegistry.Server));
    }

    [Fact]
    public void Shutdown_makes_everything_not_serving_for_good()
    {
        var registry = new HealthStatusRegistry();
        registry.MarkStarted(["a.B"]);
        var changes = new List<(string, ServingStatus)>();
        registry.StatusChanged += (_, e) => changes.Add((e.Service, e.Status));

        registry.EnterShutdown();
        registry.SetStatus("a.B", ServingStatus.Serving);

        Assert.True(registry.IsShuttingDown);
        Assert.Equal(ServingStatus.NotServing, registry.GetStatus("a.B"));
        Assert.Equal(ServingStatus.NotServing, registry.GetStatus(HealthStatusRegistry.Server));
        Assert.Equal([(HealthStatusRegistry.Server, ServingStatus.NotServing), ("a.B", ServingStatus.NotServing)], changes);
    }

    [Fact]
    public void Only_serving_and_not_serving_can_be_set()
    {
        var registry = new HealthStatusRegistry();

        Assert.Throws<ArgumentOutOfRangeException>(() => registry.SetStatus("a.B", ServingStatus.ServiceUnknown));
    }

    [Fact]
    public async Task Watch_yields_current_then_changes_without_repeats_and_ends_at_shutdown()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("a.B", ServingStatus.Serving);
        await using var watch = registry.WatchAsync("a.B").GetAsyncEnumerator();

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, watch.Current);

        registry.SetStatus("a.B", ServingStatus.Serving);
        registry.SetStatus("a.B", ServingStatus.NotServing);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.NotServing, watch.Current);

        registry.SetStatus("a.B", ServingStatus.Serving);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, watch.Current);

        registry.EnterShutdown();
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.NotServing, watch.Current);
        Assert.False(await watch.MoveNextAsync());
    }
}
