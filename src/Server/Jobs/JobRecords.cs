namespace Atom.Server.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Waiting to be claimed once its <see cref="JobRecord.RunAfter"/> has come.</summary>
    Queued,

    /// <summary>Claimed by a worker under a lease.</summary>
    Running,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Failed <see cref="JobRecord.MaxAttempts"/> times; stays until an administrator requeues it.</summary>
    Dead,
}

/// <summary>A job as stored.</summary>
/// <param name="Id">The job's id (32 hex digits, time-ordered).</param>
/// <param name="TenantId">The tenant the job works for.</param>
/// <param name="Kind">What the job does: the <see cref="IJobHandler.Kind"/> that runs it.</param>
/// <param name="Subject">What the job is about, e.g. a file id; at most one unfinished job per tenant, kind and subject.</param>
/// <param name="Payload">The handler's input, JSON.</param>
/// <param name="State">Where the job is in its life.</param>
/// <param name="Attempts">How many times it was tried (claims, less releases that were nobody's fault).</param>
/// <param name="MaxAttempts">How many failed tries make it dead.</param>
/// <param name="RunAfter">When it is due (queued), or when it was due (otherwise).</param>
/// <param name="LastError">Why the last try failed or was postponed, if it did or was.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="CompletedAt">When it succeeded or died.</param>
public sealed record JobRecord(
    string Id,
    string TenantId,
    string Kind,
    string Subject,
    string Payload,
    JobState State,
    int Attempts,
    int MaxAttempts,
    DateTimeOffset RunAfter,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>A claim on a running job: only its holder may complete, fail, postpone or extend it.</summary>
/// <param name="Job">The job as claimed (state running, attempts counting this try).</param>
/// <param name="WorkerId">The worker that holds the claim.</param>
/// <param name="ExpiresAt">When the claim lapsed when it was made; extensions move it in the store, not here.</param>
public sealed record JobLease(JobRecord Job, string WorkerId, DateTimeOffset ExpiresAt)
{
    /// <summary>Gets the claim's own id: a new one at every claim, so an old holder's calls are refused after a re-claim.</summary>
    public required string LeaseId { get; init; }
}
