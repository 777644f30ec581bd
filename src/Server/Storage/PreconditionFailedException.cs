namespace Atom.Server.Storage;

/// <summary>
/// A change refused because of the state of what it would change (an archived room, a deleted message): the caller
/// gets FAILED_PRECONDITION with this message. Areas derive their own precise exceptions from it.
/// </summary>
public class PreconditionFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PreconditionFailedException"/> class.</summary>
    public PreconditionFailedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PreconditionFailedException"/> class.</summary>
    /// <param name="message">What state prevents the change, and what would allow it.</param>
    public PreconditionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PreconditionFailedException"/> class.</summary>
    /// <param name="message">What state prevents the change.</param>
    /// <param name="innerException">The cause.</param>
    public PreconditionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
