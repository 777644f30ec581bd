using Atom.Server.Jobs;
using Atom.Server.Tests.Storage;
using Dapper;
using static Atom.Server.Tests.Jobs.JobTestContext;

namespace Atom.Server.Tests.Jobs;

/// <summary>The queue's contract against both stores: transactional enqueue, de-duplication, claims, leases, retries, death, tenants.</summary>
public sealed class JobQueueTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_job_enqueued_in_a_transaction_that_rolls_back_is_not_there(string provider)
    {
        await using var context = await CreateAsync(provider);

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.Database.InTenantAsync<int>(A, async (c, t) =>
        {
            await context.Queue.EnqueueAsync(c, t, A, Kind, "file-1", """{"file":"file-1"}""");
            throw new InvalidOperationException("the file could not be stored");
        }));
        var committed = await context.Database.InTenantAsync(A, (c, t) => context.Queue.EnqueueAsync(c, t, A, Kind, "file-2", """{"file":"file-2"}"""));

        Assert.Empty(await context.Queue.ListBySubjectAsync(A, "file-1"));
        var lease = await context.ClaimAsync();
        Assert.Equal((committed.Id, "file-2", """{"file":"file-2"}"""), (lease.Job.Id, lease.Job.Subject, lease.Job.Payload));
        Assert.Null(await context.Queue.ClaimAsync([Kind], "w1"));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Enqueueing_an_unfinished_subject_again_returns_the_job_there_is(string provider)
    {
        await using var context = await CreateAsync(provider);

        var first = await context.EnqueueAsync("file-1", payload: """{"n":1}""");
        var again = await context.EnqueueAsync("file-1", payload: """{"n":2}""");
        var otherKind = await context.EnqueueAsync("file-1", kind: "test.other");
        var otherTenant = await context.EnqueueAsync("file-1", tenantId: B);
        var lease = await context.ClaimAsync();
        var whileRunning = await context.EnqueueAsync("file-1");
        await context.Queue.CompleteAsync(lease);
        var afterSuccess = await context.EnqueueAsync("file-1", payload: """{"n":3}""");

        Assert.Equal(first, again);
        Assert.Equal(first.Id, whileRunning.Id);
        Assert.Equal(JobState.Running, whileRunning.State);
        Assert.Equal(4, new[] { first.Id, otherKind.Id, otherTenant.Id, afterSuccess.Id }.Distinct().Count());
        Assert.Equal(32, first.Id.Length);
        Assert.True(first.Id.All(char.IsAsciiHexDigitLower));
        Assert.Equal(
            [(first.Id, JobState.Succeeded, """{"n":1}"""), (otherKind.Id, JobState.Queued, "{}"), (afterSuccess.Id, JobState.Queued, """{"n":3}""")],
            (await context.Queue.ListBySubjectAsync(A, "file-1")).Select(j => (j.Id, j.State, j.Payload)));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Claims_take_due_jobs_of_the_asked_kinds_by_run_after(string provider)
    {
        await using var context = await CreateAsync(provider);
        var first = await context.EnqueueAsync("s1");
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await context.EnqueueAsync("s2");
        var otherKind = await context.EnqueueAsync("s0", kind: "test.other");
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await context.EnqueueAsync("s3", tenantId: B);

        // The first is postponed: it is now due after the others, although it was enqueued before them.
        await context.Queue.RetryLaterAsync(await context.ClaimAsync(), TimeSpan.FromSeconds(10), "not yet");
        var claimed = new List<string> { (await context.ClaimAsync()).Job.Id, (await context.ClaimAsync()).Job.Id };
        Assert.Null(await context.Queue.ClaimAsync([Kind], "w1"));
        context.Clock.Advance(TimeSpan.FromSeconds(10));
        claimed.Add((await context.ClaimAsync()).Job.Id);

        Assert.Equal([second.Id, third.Id, first.Id], claimed);
        Assert.Equal(JobState.Queued, (await context.GetAsync(otherKind)).State);
        Assert.Null(await context.Queue.ClaimAsync([], "w1"));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task An_expired_lease_is_claimed_again_and_the_old_holder_is_refused(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { LeaseDuration = TimeSpan.FromSeconds(60) });
        var job = await context.EnqueueAsync("s1");
        var old = await context.ClaimAsync("crashed");

        context.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await context.Queue.ClaimAsync([Kind], "w2"));
        context.Clock.Advance(TimeSpan.FromSeconds(1));
        var current = await context.ClaimAsync("w2");

        Assert.Equal((job.Id, 1, 2), (current.Job.Id, old.Job.Attempts, current.Job.Attempts));
        Assert.NotEqual(old.LeaseId, current.LeaseId);
        Assert.False(await context.Queue.CompleteAsync(old));
        Assert.False(await context.Queue.FailAsync(old, "late"));
        Assert.False(await context.Queue.RetryLaterAsync(old, TimeSpan.FromSeconds(1), "late"));
        Assert.False(await context.Queue.ExtendLeaseAsync(old));
        Assert.Equal(JobState.Running, (await context.GetAsync(job)).State);
        Assert.True(await context.Queue.CompleteAsync(current));
        var done = await context.GetAsync(job);
        Assert.Equal((JobState.Succeeded, 2, (string?)null, (DateTimeOffset?)context.Clock.Now), (done.State, done.Attempts, done.LastError, done.CompletedAt));
        Assert.False(await context.Queue.CompleteAsync(current));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Extending_a_lease_keeps_other_claimers_out(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { LeaseDuration = TimeSpan.FromSeconds(60) });
        await context.EnqueueAsync("s1");
        var lease = await context.ClaimAsync();

        context.Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await context.Queue.ExtendLeaseAsync(lease));
        context.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await context.Queue.ClaimAsync([Kind], "w2"));
        context.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(lease.Job.Id, (await context.ClaimAsync("w2")).Job.Id);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Failures_back_off_longer_each_time_and_end_dead_with_the_last_error(string provider)
    {
        var options = new JobOptions { MaxAttempts = 4, BaseBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromMinutes(5) };
        await using var context = await CreateAsync(provider, options);
        var job = await context.EnqueueAsync("s1");

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var lease = await context.ClaimAsync();
            Assert.Equal(attempt, lease.Job.Attempts);
            Assert.True(await context.Queue.FailAsync(lease, $"error {attempt}"));
            var failed = await context.GetAsync(job);
            Assert.Equal((JobState.Queued, (string?)$"error {attempt}"), (failed.State, failed.LastError));
            waits.Add(failed.RunAfter - context.Clock.Now);

            // Not a moment before its time.
            context.Clock.Advance(waits[^1] - TimeSpan.FromMilliseconds(1));
            Assert.Null(await context.Queue.ClaimAsync([Kind], "w1"));
            context.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(await context.Queue.FailAsync(await context.ClaimAsync(), "error 4"));

        for (var i = 0; i < waits.Count; i++)
        {
            var doubled = options.BaseBackoff * Math.Pow(2, i);
            Assert.InRange(waits[i], doubled, doubled * 1.25);
        }

        var dead = await context.GetAsync(job);
        Assert.Equal((JobState.Dead, 4, (string?)"error 4", (DateTimeOffset?)context.Clock.Now), (dead.State, dead.Attempts, dead.LastError, dead.CompletedAt));
        context.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(await context.Queue.ClaimAsync([Kind], "w1"));
    }

    [Fact]
    public void Backoff_doubles_with_up_to_a_quarter_of_jitter_and_stops_at_the_maximum()
    {
        var options = new JobOptions { BaseBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromSeconds(2), JobQueue.Backoff(1, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(2.5), JobQueue.Backoff(1, options, 1));
        Assert.Equal(TimeSpan.FromSeconds(16), JobQueue.Backoff(4, options, 0));
        Assert.Equal(TimeSpan.FromSeconds(256), JobQueue.Backoff(8, options, 0));
        Assert.Equal(TimeSpan.FromMinutes(5), JobQueue.Backoff(8, options, 1));
        Assert.Equal(TimeSpan.FromMinutes(5), JobQueue.Backoff(1000, options, 0.5));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Retrying_later_does_not_use_up_an_attempt(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { MaxAttempts = 2 });
        var job = await context.EnqueueAsync("s1");

        for (var i = 0; i < 5; i++)
        {
            var lease = await context.ClaimAsync();
            Assert.Equal(1, lease.Job.Attempts);
            Assert.True(await context.Queue.RetryLaterAsync(lease, TimeSpan.FromSeconds(30), "scanner unavailable"));
            Assert.Null(await context.Queue.ClaimAsync([Kind], "w1"));
            context.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        var postponed = await context.GetAsync(job);
        Assert.Equal((JobState.Queued, 0, (string?)"scanner unavailable"), (postponed.State, postponed.Attempts, postponed.LastError));

        // Two real failures are still needed to kill it.
        await context.Queue.FailAsync(await context.ClaimAsync(), "broken");
        Assert.Equal(JobState.Queued, (await context.GetAsync(job)).State);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_lease_that_expires_on_the_last_attempt_makes_the_job_dead(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { MaxAttempts = 1, LeaseDuration = TimeSpan.FromSeconds(60) });
        var job = await context.EnqueueAsync("poison");
        await context.ClaimAsync("crashed");

        context.Clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Null(await context.Queue.ClaimAsync([Kind], "w2"));
        var dead = await context.GetAsync(job);
        Assert.Equal((JobState.Dead, 1), (dead.State, dead.Attempts));
        Assert.Contains("lease expired", dead.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_dead_job_can_be_requeued_once(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { MaxAttempts = 1 });
        var job = await context.EnqueueAsync("s1");
        await context.Queue.FailAsync(await context.ClaimAsync(), "bad input");
        Assert.Equal(JobState.Dead, (await context.GetAsync(job)).State);

        Assert.False(await context.Queue.RequeueAsync(B, job.Id));
        Assert.True(await context.Queue.RequeueAsync(A, job.Id));
        Assert.False(await context.Queue.RequeueAsync(A, job.Id));

        var requeued = await context.GetAsync(job);
        Assert.Equal((JobState.Queued, 0, (string?)"bad input", (DateTimeOffset?)null), (requeued.State, requeued.Attempts, requeued.LastError, requeued.CompletedAt));
        var lease = await context.ClaimAsync();
        Assert.Equal((job.Id, 1), (lease.Job.Id, lease.Job.Attempts));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_dead_job_is_not_requeued_beside_a_newer_unfinished_one(string provider)
    {
        await using var context = await CreateAsync(provider, new JobOptions { MaxAttempts = 1 });
        var dead = await context.EnqueueAsync("s1");
        await context.Queue.FailAsync(await context.ClaimAsync(), "bad input");
        var newer = await context.EnqueueAsync("s1");

        Assert.NotEqual(dead.Id, newer.Id);
        Assert.False(await context.Queue.RequeueAsync(A, dead.Id));
        Assert.Equal(JobState.Dead, (await context.GetAsync(dead)).State);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_tenant_sees_only_its_own_jobs(string provider)
    {
        await using var context = await CreateAsync(provider);
        var ofA = await context.EnqueueAsync("shared-subject");
        var ofB = await context.EnqueueAsync("shared-subject", tenantId: B);

        Assert.Null(await context.Queue.GetAsync(B, ofA.Id));
        Assert.Equal(ofA, await context.Queue.GetAsync(A, ofA.Id));
        Assert.Equal([ofB.Id], (await context.Queue.ListBySubjectAsync(B, "shared-subject")).Select(j => j.Id));
        Assert.Equal([ofA.Id], (await context.Queue.ListBySubjectAsync(A, "shared-subject")).Select(j => j.Id));

        // The worker claims across tenants.
        var claimed = new[] { (await context.ClaimAsync()).Job.TenantId, (await context.ClaimAsync()).Job.TenantId };
        Assert.Equal([A, B], claimed.Order());
    }

    [Fact]
    public async Task Row_level_security_hides_other_tenants_jobs_and_refuses_a_job_for_another_tenant()
    {
        await using var context = await CreateAsync("postgres");
        await context.EnqueueAsync("s1");
        await context.EnqueueAsync("s2", tenantId: B);

        var seenByB = await context.Database.InTenantAsync(B, (c, t) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs", transaction: t));
        var seenByPlatform = await context.Database.AsPlatformAsync((c, t) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs", transaction: t));
        var forged = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() =>
            context.Database.InTenantAsync(A, (c, t) => context.Queue.EnqueueAsync(c, t, B, Kind, "forged", "{}")));

        Assert.Equal((1, 2), (seenByB, seenByPlatform));
        Assert.Equal("42501", forged.SqlState);
    }
}
