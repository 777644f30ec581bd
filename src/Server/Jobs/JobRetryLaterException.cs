namespace Atom.Server.Jobs;

/// <summary>
/// Thrown by a handler whose job cannot run yet for a reason that is not the job's fault (a dependency such as the
/// virus scanner is down): the job waits <see cref="Delay"/> and is tried again without using up an attempt.
/// </summary>
public sealed class JobRetryLaterException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JobRetryLaterException"/> class.</summary>
    /// <param name="delay">How long the job waits.</param>
    /// <param name="reason">Why, kept as the job's last error.</param>
    /// <param name="innerException">The failure that made the dependency look unavailable, if any.</param>
    public JobRetryLaterException(TimeSpan delay, string reason, Exception? innerException = null)
        : base(reason, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    /// <summary>Initializes a new instance of the <see cref="JobRetryLaterException"/> class.</summary>
    public JobRetryLaterException()
        : this(TimeSpan.FromSeconds(30), "Retry later.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobRetryLaterException"/> class.</summary>
    /// <param name="message">Why.</param>
    public JobRetryLaterException(string message)
        : this(TimeSpan.FromSeconds(30), message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobRetryLaterException"/> class.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">The cause.</param>
    public JobRetryLaterException(string message, Exception innerException)
        : this(TimeSpan.FromSeconds(30), message, innerException)
    {
    }

    /// <summary>Gets how long the job waits before it is tried again.</summary>
    public TimeSpan Delay { get; }
}
