namespace Atom.Server.Jobs;

/// <summary>How the durable job queue and its workers behave (configuration section <c>Atom:Jobs</c>).</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Jobs";

    /// <summary>Gets or sets how many jobs this node runs at once.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>
    /// Gets or sets how often an idle worker looks for due jobs. Jobs enqueued on this node wake the workers at once,
    /// and a retry scheduled here wakes them when it is due; polling finds the rest (other nodes' jobs, expired leases).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a claim lasts; a running handler's lease is extended every third of it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how many times a job is tried before it is dead.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the wait after a first failure; it doubles with every further failure.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest wait between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
}
