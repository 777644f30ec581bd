using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Jobs.Internal;

/// <summary>A row of <c>jobs</c> as Dapper reads it, and the conversions between it and <see cref="JobRecord"/>.</summary>
internal sealed class JobRow
{
    /// <summary>The columns, in the property names Dapper maps to.</summary>
    public const string Columns =
        "id AS Id, tenant_id AS TenantId, kind AS Kind, subject AS Subject, payload AS Payload, state AS State, attempts AS Attempts, " +
        "max_attempts AS MaxAttempts, run_after AS RunAfter, lease_id AS LeaseId, lease_owner AS LeaseOwner, lease_expires_at AS LeaseExpiresAt, " +
        "last_error AS LastError, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt";

    public string Id { get; set; } = string.Empty;

    public string TenantId { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public string Subject { get; set; } = string.Empty;

    public string Payload { get; set; } = string.Empty;

    public string State { get; set; } = string.Empty;

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; }

    public long RunAfter { get; set; }

    public string? LeaseId { get; set; }

    public string? LeaseOwner { get; set; }

    public long? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public long? CompletedAt { get; set; }

    public JobRecord ToRecord() => new(
        Id, TenantId, Kind, Subject, Payload, ParseState(State), Attempts, MaxAttempts, Time(RunAfter), LastError, Time(CreatedAt), Time(UpdatedAt),
        CompletedAt is { } completed ? Time(completed) : null);

    public JobLease ToLease() => new(ToRecord(), LeaseOwner ?? string.Empty, Time(LeaseExpiresAt ?? 0)) { LeaseId = LeaseId ?? string.Empty };

    public static string StateName(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "A job state must be queued, running, succeeded or dead."),
    };

    public static JobState ParseState(string name) => name switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "dead" => JobState.Dead,
        _ => throw new InvalidOperationException($"The jobs table holds an unknown state '{name}'."),
    };

}
