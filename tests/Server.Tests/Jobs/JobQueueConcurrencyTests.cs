using System.Collections.Concurrent;
using System.Diagnostics;
using Atom.Server.Jobs;
using Atom.Server.Tests.Storage;
using Xunit.Abstractions;
using static Atom.Server.Tests.Jobs.JobTestContext;

namespace Atom.Server.Tests.Jobs;

/// <summary>
/// The key guarantee under contention: concurrent claimers never hold the same job, and every job completes exactly
/// once. The figures printed are for information, never asserted.
/// </summary>
public sealed class JobQueueConcurrencyTests(ITestOutputHelper output)
{
    private const int Claimers = 8;
    private const int Jobs = 200;

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Concurrent_claimers_share_out_every_job_exactly_once(string provider)
    {
        await using var context = await CreateAsync(provider);
        var jobs = new List<JobRecord>();
        for (var i = 0; i < Jobs; i++)
        {
            jobs.Add(await context.EnqueueAsync($"s{i}", tenantId: i % 2 == 0 ? A : B));
        }

        var claims = new ConcurrentBag<(string JobId, string WorkerId)>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(w => Task.Run(async () =>
        {
            var workerId = "w" + w;
            while (await context.Queue.ClaimAsync([Kind], workerId) is { } lease)
            {
                claims.Add((lease.Job.Id, workerId));
                if (!await context.Queue.CompleteAsync(lease))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        clock.Stop();

        Assert.Equal(0, refused);
        Assert.Equal(jobs.Select(j => j.Id).Order(), claims.Select(c => c.JobId).Order());
        foreach (var job in jobs)
        {
            var done = await context.GetAsync(job);
            Assert.Equal((JobState.Succeeded, 1), (done.State, done.Attempts));
        }

        var perWorker = claims.GroupBy(c => c.WorkerId).Select(g => g.Count()).Order();
        output.WriteLine($"{provider}: {Jobs} jobs claimed and completed by {Claimers} claimers in {clock.ElapsedMilliseconds} ms " +
            $"({Jobs / clock.Elapsed.TotalSeconds:F0} jobs/s); per claimer {string.Join(' ', perWorker)}");
    }
}
