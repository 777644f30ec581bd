using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Jobs;

/// <summary>
/// Runs queued jobs on this node: <see cref="JobOptions.Workers"/> loops, each claiming the next due job of a kind
/// some registered <see cref="IJobHandler"/> runs, running it while extending its lease, and recording the outcome.
/// Idle loops wake on an enqueue on this node, when a known job becomes due, or at the latest after
/// <see cref="JobOptions.PollInterval"/>.
/// </summary>
/// <remarks>
/// On shutdown the handlers are cancelled; a job whose handler stops because of it is put back as queued at once,
/// without counting the attempt, so another node (or this one, restarted) takes it without waiting for the lease.
/// </remarks>
public sealed partial class JobWorker : BackgroundService
{
    // After a wake-up that found nothing, look again at these growing intervals: the enqueue may have been inside a
    // caller's transaction that had not committed yet.
    private static readonly TimeSpan FirstSettle = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromMilliseconds(500);

    // A due job that a claim did not get (another claimer holds its row) is looked at again after this, not at once.
    private static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(20);

    private readonly JobQueue _queue;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly string[] _kinds;
    private readonly TimeProvider _time;
    private readonly JobOptions _options;
    private readonly ILogger<JobWorker> _logger;
    private readonly string _node = $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>Initializes a new instance of the <see cref="JobWorker"/> class.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="handlers">The handlers, at most one per kind.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The queue's options.</param>
    /// <param name="logger">The logger.</param>
    public JobWorker(JobQueue queue, IEnumerable<IJobHandler> handlers, TimeProvider time, IOptions<JobOptions> options, ILogger<JobWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _queue = queue;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _handlers = new Dictionary<string, IJobHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Kind, handler))
            {
                throw new InvalidOperationException(
                    $"Job kind '{handler.Kind}' has two handlers: {_handlers[handler.Kind].GetType().Name} and {handler.GetType().Name}. A kind is run by one handler.");
            }
        }

        _kinds = [.. _handlers.Keys.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_kinds.Length == 0)
        {
            Log.NoHandlers(_logger);
            return Task.CompletedTask;
        }

        Log.Started(_logger, Math.Max(1, _options.Workers), string.Join(", ", _kinds), _node);
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(i => Task.Run(() => RunLoopAsync($"{_node}#{i}", stoppingToken), CancellationToken.None)));
    }

    private async Task RunLoopAsync(string workerId, CancellationToken stopping)
    {
        var settle = TimeSpan.Zero;
        while (!stopping.IsCancellationRequested)
        {
            // Taken before the claim: an enqueue while the claim runs still wakes this loop.
            var enqueued = _queue.NextEnqueue;
            TimeSpan wait;
            try
            {
                var lease = await _queue.ClaimAsync(_kinds, workerId, stopping);
                if (lease is not null)
                {
                    settle = TimeSpan.Zero;
                    await RunAsync(lease, stopping);
                    continue;
                }

                wait = settle > TimeSpan.Zero ? settle : await IdleWaitAsync(stopping);
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                Log.ClaimFailed(_logger, workerId, e);
                wait = _options.PollInterval;
            }

            if (await WaitAsync(enqueued, wait, stopping))
            {
                settle = FirstSettle;
            }
            else if (settle > TimeSpan.Zero)
            {
                settle = settle * 2 > MaxSettle ? TimeSpan.Zero : settle * 2;
            }
        }
    }

    // Until the earliest job of our kinds is due (a retry this or another node scheduled), at most a poll interval.
    private async Task<TimeSpan> IdleWaitAsync(CancellationToken stopping)
    {
        var next = await _queue.NextDueAsync(_kinds, stopping);
        var wait = next is { } due ? due - _time.GetUtcNow() : _options.PollInterval;
        return wait < MinIdleWait ? MinIdleWait : wait > _options.PollInterval ? _options.PollInterval : wait;
    }

    private async Task<bool> WaitAsync(Task enqueued, TimeSpan wait, CancellationToken stopping)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var delay = Task.Delay(wait, _time, timer.Token);
        var first = await Task.WhenAny(enqueued, delay);
        await timer.CancelAsync();
        return first == enqueued;
    }

    private async Task RunAsync(JobLease lease, CancellationToken stopping)
    {
        var job = lease.Job;
        Log.Running(_logger, job.Id, job.Kind, job.TenantId, job.Attempts, lease.WorkerId);
        using var lost = new CancellationTokenSource();
        using var handlerToken = CancellationTokenSource.CreateLinkedTokenSource(stopping, lost.Token);
        using var extenderStop = new CancellationTokenSource();
        var extending = ExtendWhileRunningAsync(lease, lost, extenderStop.Token);
        Exception? failure = null;
        try
        {
            await _handlers[job.Kind].HandleAsync(lease, handlerToken.Token);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            await extenderStop.CancelAsync();
            await extending;
        }

        // Recorded without the stopping token: a node that stops still records what its handlers finished.
        try
        {
            if (lost.IsCancellationRequested)
            {
                // Someone else holds the job now; whatever happened here is theirs to redo.
                Log.LeaseLost(_logger, job.Id, job.Kind);
            }
            else if (failure is null)
            {
                if (await _queue.CompleteAsync(lease, CancellationToken.None))
                {
                    Log.Succeeded(_logger, job.Id, job.Kind, job.Attempts);
                }
                else
                {
                    Log.LeaseLost(_logger, job.Id, job.Kind);
                }
            }
            else if (failure is OperationCanceledException && stopping.IsCancellationRequested)
            {
                await _queue.PutBackAsync(lease, TimeSpan.Zero, null, CancellationToken.None);
                Log.Released(_logger, job.Id, job.Kind);
            }
            else if (failure is JobRetryLaterException later)
            {
                await _queue.RetryLaterAsync(lease, later.Delay, later.Message, CancellationToken.None);
                Log.Postponed(_logger, job.Id, job.Kind, later.Delay, later.Message);
            }
            else
            {
                await _queue.FailAsync(lease, failure.Message, CancellationToken.None);
                if (job.Attempts >= job.MaxAttempts)
                {
                    Log.Dead(_logger, job.Id, job.Kind, job.TenantId, job.Attempts, failure);
                }
                else
                {
                    Log.Failed(_logger, job.Id, job.Kind, job.Attempts, job.MaxAttempts, failure);
                }
            }
        }
        catch (Exception e)
        {
            Log.RecordFailed(_logger, job.Id, job.Kind, e);
        }
    }

    // Every third of a lease, so one failed extension (a store hiccup) still leaves time for the next.
    private async Task ExtendWhileRunningAsync(JobLease lease, CancellationTokenSource lost, CancellationToken stop)
    {
        var interval = _options.LeaseDuration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, stop);
                if (!await _queue.ExtendLeaseAsync(lease, stop))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.ExtendFailed(_logger, lease.Job.Id, lease.Job.Kind, e);
            }
        }
    }
}
