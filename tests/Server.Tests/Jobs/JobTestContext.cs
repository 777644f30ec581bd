using Atom.Server.Jobs;
using Atom.Server.Storage;
using Atom.Server.Tests.Identity;
using Atom.Server.Tests.Storage;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Jobs;

/// <summary>A migrated store of either provider and a job queue on it, on a manual clock unless a test needs real time.</summary>
public sealed class JobTestContext : IAsyncDisposable
{
    public const string A = "tenant-a";
    public const string B = "tenant-b";
    public const string Kind = "test.work";

    private JobTestContext(AtomDatabase database, JobOptions options, TimeProvider time)
    {
        Database = database;
        Options = options;
        Time = time;
        Queue = new JobQueue(database, time, Microsoft.Extensions.Options.Options.Create(options));
    }

    public ManualClock Clock => Time as ManualClock ?? throw new InvalidOperationException("This context runs on the system clock.");

    public TimeProvider Time { get; }

    public AtomDatabase Database { get; }

    public JobOptions Options { get; }

    public JobQueue Queue { get; }

    /// <summary>A fresh store and queue; <paramref name="realTime"/> for tests of the worker, whose timers run on real time.</summary>
    public static async Task<JobTestContext> CreateAsync(string provider, JobOptions? options = null, bool realTime = false) =>
        new(await StoreProvider.CreateMigratedAsync(provider), options ?? new JobOptions(),
            realTime ? TimeProvider.System : new ManualClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));

    public Task<JobRecord> EnqueueAsync(string subject, string tenantId = A, string kind = Kind, string payload = "{}") =>
        Queue.EnqueueAsync(tenantId, kind, subject, payload);

    public async Task<JobLease> ClaimAsync(string workerId = "w1", string kind = Kind) =>
        await Queue.ClaimAsync([kind], workerId) ?? throw new InvalidOperationException("No job was due.");

    public async Task<JobRecord> GetAsync(JobRecord job) =>
        await Queue.GetAsync(job.TenantId, job.Id) ?? throw new InvalidOperationException($"Job {job.Id} is gone.");

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
