using Microsoft.Extensions.Hosting;

namespace Atom.Server.Rpc.Health;

/// <summary>
/// Ties health to the host's life: every registered service SERVING once the host has started,
/// everything NOT_SERVING as soon as shutdown begins (before the listeners drain), so load balancers stop
/// sending new calls while the open ones finish.
/// </summary>
internal sealed class HealthLifecycle(HealthStatusRegistry statuses, RpcServiceRegistry services, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _started;
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(() => statuses.MarkStarted(services.Services.Select(s => s.FullName)));
        _stopping = lifetime.ApplicationStopping.Register(statuses.EnterShutdown);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Also covers a host stopped without ApplicationStopping having fired (a failed start).
        statuses.EnterShutdown();
        _started.Dispose();
        _stopping.Dispose();
        return Task.CompletedTask;
    }
}
