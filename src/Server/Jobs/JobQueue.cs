using System.Data.Common;
using Atom.Server.Jobs.Internal;
using Atom.Server.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using static Atom.Server.Jobs.Internal.JobRow;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Jobs;

/// <summary>
/// The durable job queue: a <c>jobs</c> table in the relational store. Producers enqueue in the transaction of the
/// change that needs the work, so both commit or neither does; workers claim due jobs under leases, across tenants,
/// on any number of nodes; a job ends succeeded, or dead after <see cref="JobOptions.MaxAttempts"/> failures.
/// </summary>
/// <remarks>
/// Delivery is at least once: a worker that dies after its work but before <see cref="CompleteAsync"/> leaves the job
/// to be claimed again when its lease expires. Every call that changes a claimed job names the claim
/// (<see cref="JobLease.LeaseId"/>) and is refused once the job was claimed again.
/// </remarks>
public sealed class JobQueue
{
    // The row a lease call may change: still the claim it names (a re-claim gives the job a new lease_id).
    private const string OwnLease = "tenant_id = @TenantId AND id = @Id AND lease_id = @LeaseId AND state = 'running'";
    private const string ClearLease = "lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL";
    private const int MaxErrorLength = 4000;

    private readonly AtomDatabase _database;
    private readonly TimeProvider _time;
    private readonly JobOptions _options;
    private readonly WakeSignal _enqueued = new();

    /// <summary>Initializes a new instance of the <see cref="JobQueue"/> class.</summary>
    /// <param name="database">The store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The queue's options.</param>
    public JobQueue(AtomDatabase database, TimeProvider time, IOptions<JobOptions> options)
    {
        _database = database;
        _time = time;
        _options = options.Value;
    }

    /// <summary>
    /// Gets a task that completes at the next enqueue (or requeue) on this node, so idle workers start at once instead
    /// of at their next poll. Take it before looking for work, then wait on it.
    /// </summary>
    /// <remarks>
    /// An enqueue inside a caller's transaction signals before that transaction commits, when the job is not yet
    /// visible; the <see cref="JobWorker"/> therefore looks again a few times shortly after a signal that found nothing.
    /// </remarks>
    public Task NextEnqueue => _enqueued.Next;

    /// <summary>
    /// Enqueues a job inside the caller's transaction, so the change that needs the work and the job commit together
    /// (or neither does). An unfinished job of the same tenant, kind and subject is returned instead of a new one.
    /// </summary>
    /// <param name="connection">The caller's connection.</param>
    /// <param name="transaction">The caller's transaction, for <paramref name="tenantId"/> (or platform work).</param>
    /// <param name="tenantId">The tenant the job works for.</param>
    /// <param name="kind">The kind of job: the <see cref="IJobHandler.Kind"/> that runs it.</param>
    /// <param name="subject">What the job is about, e.g. a file id.</param>
    /// <param name="payload">The handler's input, JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The queued job, or the unfinished one that was already there.</returns>
    public async Task<JobRecord> EnqueueAsync(
        DbConnection connection, DbTransaction transaction, string tenantId, string kind, string subject, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(payload);

        // Two tries at most: the unfinished job that blocked the insert may finish before it is read back.
        for (var attempt = 0; ; attempt++)
        {
            var now = Ms(_time.GetUtcNow());
            var inserted = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                "INSERT INTO jobs (id, tenant_id, kind, subject, payload, state, attempts, max_attempts, run_after, created_at, updated_at) " +
                "VALUES (@id, @tenantId, @kind, @subject, @payload, 'queued', 0, @maxAttempts, @now, @now, @now) " +
                "ON CONFLICT (tenant_id, kind, subject) WHERE state IN ('queued', 'running') DO NOTHING " +
                $"RETURNING {Columns}",
                new { id = NewId(), tenantId, kind, subject, payload, maxAttempts = _options.MaxAttempts, now },
                transaction,
                cancellationToken: cancellationToken));
            if (inserted is not null)
            {
                _enqueued.Set();
                return inserted.ToRecord();
            }

            var existing = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                $"SELECT {Columns} FROM jobs WHERE tenant_id = @tenantId AND kind = @kind AND subject = @subject AND state IN ('queued', 'running')",
                new { tenantId, kind, subject },
                transaction,
                cancellationToken: cancellationToken));
            if (existing is not null || attempt == 1)
            {
                return existing?.ToRecord() ?? throw new InvalidOperationException($"Job ({tenantId}, {kind}, {subject}) could neither be inserted nor found.");
            }
        }
    }

    /// <summary>Enqueues a job in a transaction of its own; see the overload that takes the caller's transaction.</summary>
    /// <param name="tenantId">The tenant the job works for.</param>
    /// <param name="kind">The kind of job: the <see cref="IJobHandler.Kind"/> that runs it.</param>
    /// <param name="subject">What the job is about, e.g. a file id.</param>
    /// <param name="payload">The handler's input, JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The queued job, or the unfinished one that was already there.</returns>
    public async Task<JobRecord> EnqueueAsync(string tenantId, string kind, string subject, string payload, CancellationToken cancellationToken = default)
    {
        var job = await _database.InTenantAsync(
            tenantId, (c, t) => EnqueueAsync(c, t, tenantId, kind, subject, payload, cancellationToken), cancellationToken);

        // Again after the commit: the signal inside came when the job could not be seen yet.
        _enqueued.Set();
        return job;
    }

    /// <summary>
    /// Claims the next due job of the given kinds, of any tenant: the oldest queued job whose time has come, or a
    /// running one whose lease expired (its worker crashed or hung). Claiming counts an attempt. Running jobs whose
    /// lease expired on their last attempt are made dead on the way.
    /// </summary>
    /// <param name="kinds">The kinds the caller can run.</param>
    /// <param name="workerId">The claiming worker, recorded as the lease's owner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease, or null when no job of those kinds is due.</returns>
    public Task<JobLease?> ClaimAsync(IReadOnlyCollection<string> kinds, string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        if (kinds.Count == 0)
        {
            return Task.FromResult<JobLease?>(null);
        }

        var now = _time.GetUtcNow();
        var args = new
        {
            kinds = kinds.ToArray(),
            workerId,
            leaseId = NewId(),
            now = Ms(now),
            expires = Ms(now + _options.LeaseDuration),
            lost = "The lease expired on the last attempt: the worker stopped or hung.",
        };

        // Platform work: one worker serves every tenant. PostgreSQL locks the picked row and passes over rows other
        // claimers hold (SKIP LOCKED); SQLite's write transaction already admits one claimer at a time.
        return _database.AsPlatformAsync<JobLease?>(async (c, t) =>
        {
            var skipLocked = SkipLocked(c);
            await c.ExecuteAsync(new CommandDefinition(
                $"UPDATE jobs SET state = 'dead', {ClearLease}, last_error = @lost, updated_at = @now, completed_at = @now " +
                "WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at <= @now AND attempts >= max_attempts" + skipLocked + ")",
                args,
                t,
                cancellationToken: cancellationToken));
            var row = await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_id = @leaseId, lease_owner = @workerId, lease_expires_at = @expires, updated_at = @now " +
                $"WHERE id = (SELECT id FROM jobs WHERE {InList(c, "kind", "@kinds")} " +
                "AND ((state = 'queued' AND run_after <= @now) OR (state = 'running' AND lease_expires_at <= @now)) " +
                $"ORDER BY run_after, id LIMIT 1{skipLocked}) " +
                $"RETURNING {Columns}",
                args,
                t,
                cancellationToken: cancellationToken));
            return row?.ToLease();
        }, cancellationToken);
    }

    /// <summary>Records a claimed job as succeeded.</summary>
    /// <param name="lease">The claim.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True; false when the claim was lost (the job was claimed again after the lease expired) and nothing changed.</returns>
    public Task<bool> CompleteAsync(JobLease lease, CancellationToken cancellationToken = default) =>
        ChangeLeasedAsync(lease, $"state = 'succeeded', {ClearLease}, updated_at = @now, completed_at = @now", new { }, cancellationToken);

    /// <summary>
    /// Records a claimed job's failure: it is queued again after an exponential backoff (with jitter), or is dead when
    /// this was its last attempt. The error is kept either way.
    /// </summary>
    /// <param name="lease">The claim.</param>
    /// <param name="error">Why it failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True; false when the claim was lost and nothing changed.</returns>
    public Task<bool> FailAsync(JobLease lease, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(error);
        var job = lease.Job;
        if (job.Attempts >= job.MaxAttempts)
        {
            return ChangeLeasedAsync(lease, $"state = 'dead', {ClearLease}, last_error = @error, updated_at = @now, completed_at = @now", new { error = Truncate(error) }, cancellationToken);
        }

        var retryAt = _time.GetUtcNow() + Backoff(job.Attempts, _options, Random.Shared.NextDouble());
        return ChangeLeasedAsync(
            lease, $"state = 'queued', {ClearLease}, run_after = @retryAt, last_error = @error, updated_at = @now", new { error = Truncate(error), retryAt = Ms(retryAt) }, cancellationToken);
    }

    /// <summary>
    /// Puts a claimed job back for a while without using up an attempt: for failures that are not the job's fault,
    /// such as a dependency that is down.
    /// </summary>
    /// <param name="lease">The claim.</param>
    /// <param name="delay">How long the job waits before it is due again.</param>
    /// <param name="reason">Why, kept as the job's last error.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True; false when the claim was lost and nothing changed.</returns>
    public Task<bool> RetryLaterAsync(JobLease lease, TimeSpan delay, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return PutBackAsync(lease, delay, Truncate(reason), cancellationToken);
    }

    /// <summary>Extends a claim by <see cref="JobOptions.LeaseDuration"/> from now, for work that takes longer than one lease.</summary>
    /// <param name="lease">The claim.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True; false when the claim was lost: stop working, another worker may have the job.</returns>
    public Task<bool> ExtendLeaseAsync(JobLease lease, CancellationToken cancellationToken = default) =>
        ChangeLeasedAsync(lease, "lease_expires_at = @expires, updated_at = @now", new { expires = Ms(_time.GetUtcNow() + _options.LeaseDuration) }, cancellationToken);

    /// <summary>Lists a tenant's jobs about a subject (e.g. every processing job of a file), oldest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The jobs, finished or not.</returns>
    public Task<IReadOnlyList<JobRecord>> ListBySubjectAsync(string tenantId, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _database.InTenantAsync<IReadOnlyList<JobRecord>>(tenantId, async (c, t) => (await c.QueryAsync<JobRow>(new CommandDefinition(
                $"SELECT {Columns} FROM jobs WHERE tenant_id = @tenantId AND subject = @subject ORDER BY created_at, id",
                new { tenantId, subject },
                t,
                cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord())
            .ToList(), cancellationToken);
    }

    /// <summary>Gets a tenant's job.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when the tenant has no such job.</returns>
    public Task<JobRecord?> GetAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return _database.InTenantAsync(tenantId, async (c, t) => (await c.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {Columns} FROM jobs WHERE tenant_id = @tenantId AND id = @jobId",
            new { tenantId, jobId },
            t,
            cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);
    }

    /// <summary>
    /// Puts a dead job back in the queue with its attempts reset (an administrator's action, after fixing the cause).
    /// Its last error stays until the next try.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True; false when the tenant has no such dead job, or an unfinished job of the same kind and subject exists.</returns>
    public async Task<bool> RequeueAsync(string tenantId, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var now = Ms(_time.GetUtcNow());
        var requeued = await _database.InTenantAsync(tenantId, (c, t) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_after = @now, completed_at = NULL, updated_at = @now " +
            "WHERE tenant_id = @tenantId AND id = @jobId AND state = 'dead' AND NOT EXISTS (SELECT 1 FROM jobs live " +
            "WHERE live.tenant_id = jobs.tenant_id AND live.kind = jobs.kind AND live.subject = jobs.subject AND live.state IN ('queued', 'running'))",
            new { tenantId, jobId, now },
            t,
            cancellationToken: cancellationToken)), cancellationToken) == 1;
        if (requeued)
        {
            _enqueued.Set();
        }

        return requeued;
    }

    /// <summary>
    /// The wait before the next try after <paramref name="failures"/> failed ones: <see cref="JobOptions.BaseBackoff"/>
    /// doubled for each failure after the first, plus up to a quarter more (so many jobs failing together do not retry
    /// together), at most <see cref="JobOptions.MaxBackoff"/>.
    /// </summary>
    internal static TimeSpan Backoff(int failures, JobOptions options, double jitter)
    {
        var doubled = options.BaseBackoff * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var delay = doubled * (1 + (0.25 * jitter));
        return delay < options.MaxBackoff ? delay : options.MaxBackoff;
    }

    /// <summary>
    /// Puts a claimed job back as queued without counting the attempt: when it cannot run yet, or when its worker stops.
    /// A null reason keeps the last error.
    /// </summary>
    internal Task<bool> PutBackAsync(JobLease lease, TimeSpan delay, string? reason, CancellationToken cancellationToken) =>
        ChangeLeasedAsync(
            lease,
            $"state = 'queued', {ClearLease}, attempts = attempts - 1, run_after = @runAfter, last_error = COALESCE(@reason, last_error), updated_at = @now",
            new { runAfter = Ms(_time.GetUtcNow() + delay), reason },
            cancellationToken);

    /// <summary>
    /// Earliest time a job of the kinds becomes claimable (a queued job's run_after, a running job's lease expiry),
    /// so an idle worker can sleep until then rather than a whole poll interval.
    /// </summary>
    internal Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> kinds, CancellationToken cancellationToken) =>
        _database.AsPlatformAsync(async (c, t) =>
        {
            var (queued, leased) = await c.QuerySingleAsync<(long?, long?)>(new CommandDefinition(
                $"SELECT (SELECT min(run_after) FROM jobs WHERE state = 'queued' AND {InList(c, "kind", "@kinds")}), " +
                $"(SELECT min(lease_expires_at) FROM jobs WHERE state = 'running' AND {InList(c, "kind", "@kinds")})",
                new { kinds = kinds.ToArray() },
                t,
                cancellationToken: cancellationToken));
            long? next = queued is null ? leased : leased is null ? queued : Math.Min(queued.Value, leased.Value);
            return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        }, cancellationToken);

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];

    // Runs in the job's tenant: a lease call touches only its own row, so it needs no platform rights.
    private Task<bool> ChangeLeasedAsync(JobLease lease, string set, object values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var parameters = new DynamicParameters(values);
        parameters.AddDynamicParams(new { lease.Job.TenantId, lease.Job.Id, lease.LeaseId, now = Ms(_time.GetUtcNow()) });
        return _database.InTenantAsync(
            lease.Job.TenantId,
            async (c, t) => await c.ExecuteAsync(new CommandDefinition($"UPDATE jobs SET {set} WHERE {OwnLease}", parameters, t, cancellationToken: cancellationToken)) == 1,
            cancellationToken);
    }
}
