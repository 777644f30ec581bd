using Microsoft.Extensions.Logging;

namespace Atom.Server.Jobs;

public sealed partial class JobWorker
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job worker {Node} runs {Workers} loop(s) for kinds {Kinds}")]
        public static partial void Started(ILogger logger, int workers, string kinds, string node);

        [LoggerMessage(2, LogLevel.Information, "No job handlers are registered; the job worker stays idle")]
        public static partial void NoHandlers(ILogger logger);

        [LoggerMessage(3, LogLevel.Debug, "Running job {JobId} ({Kind}, tenant {TenantId}), attempt {Attempt}, on {WorkerId}")]
        public static partial void Running(ILogger logger, string jobId, string kind, string tenantId, int attempt, string workerId);

        [LoggerMessage(4, LogLevel.Debug, "Job {JobId} ({Kind}) succeeded on attempt {Attempt}")]
        public static partial void Succeeded(ILogger logger, string jobId, string kind, int attempt);

        [LoggerMessage(5, LogLevel.Warning, "Job {JobId} ({Kind}) failed on attempt {Attempt} of {MaxAttempts}; it will be retried")]
        public static partial void Failed(ILogger logger, string jobId, string kind, int attempt, int maxAttempts, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "Job {JobId} ({Kind}, tenant {TenantId}) is dead after {Attempts} failed attempts; requeue it once the cause is fixed")]
        public static partial void Dead(ILogger logger, string jobId, string kind, string tenantId, int attempts, Exception exception);

        [LoggerMessage(7, LogLevel.Information, "Job {JobId} ({Kind}) postponed for {Delay} without using an attempt: {Reason}")]
        public static partial void Postponed(ILogger logger, string jobId, string kind, TimeSpan delay, string reason);

        [LoggerMessage(8, LogLevel.Information, "Job {JobId} ({Kind}) was interrupted by shutdown and put back in the queue")]
        public static partial void Released(ILogger logger, string jobId, string kind);

        [LoggerMessage(9, LogLevel.Warning, "Lost the lease on job {JobId} ({Kind}): it was claimed again after the lease expired, so its outcome here is not recorded")]
        public static partial void LeaseLost(ILogger logger, string jobId, string kind);

        [LoggerMessage(10, LogLevel.Warning, "Could not record the outcome of job {JobId} ({Kind}); it runs again when its lease expires")]
        public static partial void RecordFailed(ILogger logger, string jobId, string kind, Exception exception);

        [LoggerMessage(11, LogLevel.Warning, "Could not extend the lease on job {JobId} ({Kind}); trying again at the next interval")]
        public static partial void ExtendFailed(ILogger logger, string jobId, string kind, Exception exception);

        [LoggerMessage(12, LogLevel.Warning, "Job worker {WorkerId} could not claim a job; trying again after the poll interval")]
        public static partial void ClaimFailed(ILogger logger, string workerId, Exception exception);
    }
}
