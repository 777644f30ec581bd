using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Atom.Grpc.Health.V1;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Rpc.Health;

/// <summary>
/// The serving status of the server and of each service, as grpc.health.v1.Health and GET /healthz report it.
/// Capabilities set their own status (e.g. NOT_SERVING while their store is unreachable); the host marks
/// every registered service SERVING once started and everything NOT_SERVING as soon as shutdown begins.
/// </summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The name under which the server as a whole is reported: the empty string.</summary>
    public const string Server = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly List<Watcher> _watchers = [];
    private bool _shuttingDown;

    /// <summary>Raised after a service's status changed, outside the registry's lock.</summary>
    public event EventHandler<HealthStatusChangedEventArgs>? StatusChanged;

    /// <summary>Gets a value indicating whether shutdown has begun; from then on everything is NOT_SERVING.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Gets the status of a service, or null when nothing is known about it.</summary>
    /// <param name="service">The fully qualified service name, or <see cref="Server"/>.</param>
    /// <returns>The status, or null.</returns>
    public ServingStatus? GetStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>Gets every known status, keyed by service name (the server as a whole under <see cref="Server"/>).</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyDictionary<string, ServingStatus> GetAll()
    {
        lock (_lock)
        {
            return new Dictionary<string, ServingStatus>(_statuses, StringComparer.Ordinal);
        }
    }

    /// <summary>Sets the status of a service and tells its watchers. Once shutdown has begun, every status stays NOT_SERVING.</summary>
    /// <param name="service">The fully qualified service name, or <see cref="Server"/>.</param>
    /// <param name="status">The status: SERVING or NOT_SERVING (UNKNOWN and SERVICE_UNKNOWN are for callers, not for services to claim).</param>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is not (ServingStatus.Serving or ServingStatus.NotServing))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A service is either SERVING or NOT_SERVING.");
        }

        List<(string, ServingStatus)> changes = [];
        lock (_lock)
        {
            Set(service, _shuttingDown ? ServingStatus.NotServing : status, changes);
        }

        Raise(changes);
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND for it again and watchers see SERVICE_UNKNOWN.</summary>
    /// <param name="service">The fully qualified service name.</param>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (!_statuses.Remove(service))
            {
                return;
            }

            foreach (var watcher in _watchers)
            {
                if (watcher.Service == service)
                {
                    watcher.Updates.Writer.TryWrite(null);
                }
            }
        }
    }

    /// <summary>
    /// Streams a service's status: the current one first, then every change; null while the service is unknown.
    /// Ends when shutdown begins (after reporting NOT_SERVING) or when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="service">The fully qualified service name, or <see cref="Server"/>.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>The statuses.</returns>
    public async IAsyncEnumerable<ServingStatus?> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);

        // A watcher only cares about the latest status: a slow one skips states instead of queueing them.
        var watcher = new Watcher(service, Channel.CreateBounded<ServingStatus?>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }));
        lock (_lock)
        {
            watcher.Updates.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : null);
            if (_shuttingDown)
            {
                watcher.Updates.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(watcher);
            }
        }

        try
        {
            ServingStatus? last = null;
            var first = true;
            await foreach (var status in watcher.Updates.Reader.ReadAllAsync(cancellationToken))
            {
                if (first || status != last)
                {
                    first = false;
                    last = status;
                    yield return status;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    /// <summary>Marks the server and the given services SERVING, except services whose status was already set by their owner.</summary>
    internal void MarkStarted(IEnumerable<string> services)
    {
        List<(string, ServingStatus)> changes = [];
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            foreach (var service in services)
            {
                if (!_statuses.ContainsKey(service))
                {
                    Set(service, ServingStatus.Serving, changes);
                }
            }

            Set(Server, ServingStatus.Serving, changes);
        }

        Raise(changes);
    }

    /// <summary>Shutdown has begun: everything becomes NOT_SERVING, so load balancers drain, and every watch ends.</summary>
    internal void EnterShutdown()
    {
        List<(string, ServingStatus)> changes = [];
        List<Watcher> watchers;
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            Set(Server, ServingStatus.NotServing, changes);
            foreach (var service in _statuses.Keys.ToList())
            {
                Set(service, ServingStatus.NotServing, changes);
            }

            watchers = [.. _watchers];
            _watchers.Clear();
        }

        foreach (var watcher in watchers)
        {
            // An unknown service stays unknown; its watcher just ends.
            watcher.Updates.Writer.TryComplete();
        }

        Raise(changes);
    }

    private void Set(string service, ServingStatus status, List<(string, ServingStatus)> changes)
    {
        if (_statuses.TryGetValue(service, out var previous) && previous == status)
        {
            return;
        }

        _statuses[service] = status;
        changes.Add((service, status));
        foreach (var watcher in _watchers)
        {
            if (watcher.Service == service)
            {
                watcher.Updates.Writer.TryWrite(status);
            }
        }
    }

    private void Raise(List<(string Service, ServingStatus Status)> changes)
    {
        var handler = StatusChanged;
        if (handler is null)
        {
            return;
        }

        foreach (var (service, status) in changes)
        {
            handler(this, new HealthStatusChangedEventArgs(service, status));
        }
    }

    private sealed record Watcher(string Service, Channel<ServingStatus?> Updates);
}

/// <summary>Tells that a service's serving status changed.</summary>
/// <param name="service">The service name (<see cref="HealthStatusRegistry.Server"/> for the server as a whole).</param>
/// <param name="status">The new status.</param>
public sealed class HealthStatusChangedEventArgs(string service, HealthCheckResponse.Types.ServingStatus status) : EventArgs
{
    /// <summary>Gets the service name.</summary>
    public string Service { get; } = service;

    /// <summary>Gets the new status.</summary>
    public HealthCheckResponse.Types.ServingStatus Status { get; } = status;
}
