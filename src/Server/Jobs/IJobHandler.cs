namespace Atom.Server.Jobs;

/// <summary>
/// Runs the jobs of one kind. The <see cref="JobWorker"/> claims jobs of the kinds it has handlers for; a handler that
/// returns completes its job, one that throws fails it (retried with backoff until dead), and one that throws
/// <see cref="JobRetryLaterException"/> postpones it without using up an attempt.
/// </summary>
/// <remarks>
/// A job may run more than once (a worker that dies after the work but before recording it), so handlers must be
/// idempotent. Handlers are singletons.
/// </remarks>
public interface IJobHandler
{
    /// <summary>Gets the kind of job this handler runs, e.g. <c>files.process</c>.</summary>
    string Kind { get; }

    /// <summary>Does the job's work.</summary>
    /// <param name="lease">The claim, with the job and its payload.</param>
    /// <param name="cancellationToken">Cancelled when the node stops or the lease is lost: stop and let the job be run again.</param>
    /// <returns>A task that completes when the work is done.</returns>
    Task HandleAsync(JobLease lease, CancellationToken cancellationToken);
}
