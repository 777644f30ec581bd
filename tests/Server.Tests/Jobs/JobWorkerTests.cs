using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Server.Jobs;
using Atom.Server.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Atom.Server.Tests.Jobs.JobTestContext;

namespace Atom.Server.Tests.Jobs;

/// <summary>
/// The worker end to end on both stores, on real time (its timers are real): success, retries to death, postponement,
/// lease extension, prompt wake-up on enqueue, and a graceful stop. The handlers are the tests' own workloads.
/// </summary>
public sealed class JobWorkerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_handled_job_succeeds_once(string provider)
    {
        await using var context = await CreateAsync(provider, Fast(), realTime: true);
        var handler = new RecordingHandler(_ => Task.CompletedTask);
        await using var worker = await Start(context, handler);

        var job = await context.EnqueueAsync("file-1", payload: """{"file":"file-1"}""");
        var done = await WaitForAsync(context, job, JobState.Succeeded);

        Assert.Equal(1, done.Attempts);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal([(job.Id, """{"file":"file-1"}""")], handler.Runs.Select(r => (r.Job.Id, r.Job.Payload)));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_failing_job_is_retried_after_its_backoff_and_ends_dead(string provider)
    {
        // A 30 s poll: the retries run when they are due, not at the next poll.
        var options = Fast(o => (o.MaxAttempts, o.BaseBackoff, o.MaxBackoff) = (3, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)));
        await using var context = await CreateAsync(provider, options, realTime: true);
        var handler = new RecordingHandler(lease => throw new InvalidOperationException($"boom {lease.Job.Attempts}"));
        await using var worker = await Start(context, handler);

        var job = await context.EnqueueAsync("file-1");
        var dead = await WaitForAsync(context, job, JobState.Dead);

        Assert.Equal((3, "boom 3"), (dead.Attempts, dead.LastError));
        Assert.Equal([1, 2, 3], handler.Runs.Select(r => r.Job.Attempts));
        var gaps = handler.Runs.Zip(handler.Runs.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromMilliseconds(90), $"retried after {gap.TotalMilliseconds} ms, before its backoff"));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_handler_that_asks_to_retry_later_does_not_use_up_attempts(string provider)
    {
        await using var context = await CreateAsync(provider, Fast(o => o.MaxAttempts = 1), realTime: true);
        var unavailable = 2;
        var handler = new RecordingHandler(_ => Interlocked.Decrement(ref unavailable) >= 0
            ? throw new JobRetryLaterException(TimeSpan.FromMilliseconds(50), "scanner unavailable")
            : Task.CompletedTask);
        await using var worker = await Start(context, handler);

        var job = await context.EnqueueAsync("file-1");
        var done = await WaitForAsync(context, job, JobState.Succeeded);

        Assert.Equal((1, "scanner unavailable"), (done.Attempts, done.LastError));
        Assert.Equal(3, handler.Runs.Count);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_long_handler_keeps_its_lease_beyond_the_lease_duration(string provider)
    {
        // A lease of two seconds: short enough to lapse twice over, long enough that a loaded machine's stalls (over a
        // second with a load average of 20 on two cores) do not lapse it between renewals (one a third of a lease).
        await using var context = await CreateAsync(provider, Fast(o => o.LeaseDuration = TimeSpan.FromSeconds(2)), realTime: true);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async _ =>
        {
            started.TrySetResult();
            await release.Task;
        });
        await using var worker = await Start(context, handler);
        var job = await context.EnqueueAsync("file-1");
        await started.Task.WaitAsync(Patience);

        // Two and a half lease durations in which another worker keeps trying to take the job.
        var running = Stopwatch.StartNew();
        while (running.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.Null(await context.Queue.ClaimAsync([Kind], "thief"));
            await Task.Delay(50);
        }

        release.SetResult();
        var done = await WaitForAsync(context, job, JobState.Succeeded);
        Assert.Equal(1, done.Attempts);
        Assert.Single(handler.Runs);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task An_enqueue_wakes_an_idle_worker_long_before_its_poll(string provider)
    {
        await using var context = await CreateAsync(provider, Fast(), realTime: true);
        var handler = new RecordingHandler(_ => Task.CompletedTask);
        await using var worker = await Start(context, handler);
        await Task.Delay(300); // every loop has found nothing and sleeps its 30 s poll

        var clock = Stopwatch.StartNew();
        var job = await context.EnqueueAsync("file-1");
        await WaitForAsync(context, job, JobState.Succeeded);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.ElapsedMilliseconds} ms with a 30 s poll");
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task An_enqueue_in_a_transaction_that_commits_later_still_wakes_the_worker(string provider)
    {
        await using var context = await CreateAsync(provider, Fast(), realTime: true);
        var handler = new RecordingHandler(_ => Task.CompletedTask);
        await using var worker = await Start(context, handler);
        await Task.Delay(300);

        // The signal comes at the enqueue, while the job is still invisible to the worker.
        var clock = Stopwatch.StartNew();
        var job = await context.Database.InTenantAsync(A, async (c, t) =>
        {
            var queued = await context.Queue.EnqueueAsync(c, t, A, Kind, "file-1", "{}");
            await Task.Delay(150);
            return queued;
        });
        await WaitForAsync(context, job, JobState.Succeeded);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.ElapsedMilliseconds} ms with a 30 s poll");
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Stopping_puts_an_interrupted_job_back_in_the_queue(string provider)
    {
        await using var context = await CreateAsync(provider, Fast(), realTime: true);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async (_, cancellationToken) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        var worker = await Start(context, handler);
        var job = await context.EnqueueAsync("file-1");
        await started.Task.WaitAsync(Patience);

        await worker.DisposeAsync();

        Assert.True(worker.Worker.ExecuteTask!.IsCompletedSuccessfully);
        var released = await context.GetAsync(job);
        Assert.Equal((JobState.Queued, 0), (released.State, released.Attempts));
        var next = await context.ClaimAsync("next-node");
        Assert.Equal((job.Id, 1), (next.Job.Id, next.Job.Attempts));
    }

    [Fact]
    public void Two_handlers_of_one_kind_are_refused()
    {
        var options = Options.Create(new JobOptions());
        var queue = new JobQueue(null!, TimeProvider.System, options);
        var handlers = new[] { new RecordingHandler(_ => Task.CompletedTask), new RecordingHandler(_ => Task.CompletedTask) };

        var error = Assert.Throws<InvalidOperationException>(() => new JobWorker(queue, handlers, TimeProvider.System, options, NullLogger<JobWorker>.Instance));
        Assert.Contains(Kind, error.Message, StringComparison.Ordinal);
    }

    private static JobOptions Fast(Action<JobOptions>? change = null)
    {
        var options = new JobOptions { Workers = 2, PollInterval = TimeSpan.FromSeconds(30), LeaseDuration = TimeSpan.FromSeconds(10) };
        change?.Invoke(options);
        return options;
    }

    private static async Task<RunningWorker> Start(JobTestContext context, IJobHandler handler)
    {
        var worker = new JobWorker(context.Queue, [handler], context.Time, Options.Create(context.Options), NullLogger<JobWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        return new RunningWorker(worker);
    }

    private static async Task<JobRecord> WaitForAsync(JobTestContext context, JobRecord job, JobState state)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var current = await context.GetAsync(job);
            if (current.State == state)
            {
                return current;
            }

            if (waited.Elapsed > Patience)
            {
                Assert.Fail($"Job {job.Id} is {current.State} (attempts {current.Attempts}, last error {current.LastError}) after {Patience}, not {state}.");
            }

            await Task.Delay(20);
        }
    }

    private sealed class RunningWorker(JobWorker worker) : IAsyncDisposable
    {
        public JobWorker Worker => worker;

        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(Patience);
            await worker.StopAsync(deadline.Token);
            worker.Dispose();
        }
    }

    /// <summary>Runs <see cref="Kind"/> jobs with the test's workload and records each run.</summary>
    private sealed class RecordingHandler(Func<JobLease, CancellationToken, Task> work) : IJobHandler
    {
        public RecordingHandler(Func<JobLease, Task> work)
            : this((lease, _) => work(lease))
        {
        }

        public ConcurrentQueue<(JobRecord Job, DateTimeOffset At)> RunsQueue { get; } = new();

        public IReadOnlyList<(JobRecord Job, DateTimeOffset At)> Runs => [.. RunsQueue];

        public string Kind => JobTestContext.Kind;

        public Task HandleAsync(JobLease lease, CancellationToken cancellationToken)
        {
            RunsQueue.Enqueue((lease.Job, DateTimeOffset.UtcNow));
            return work(lease, cancellationToken);
        }
    }
}
