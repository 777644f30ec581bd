namespace Atom.Server.Storage;

/// <summary>The store cannot be used by this server: it is newer, or its applied migrations were changed.</summary>
public sealed class StoreTooNewException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreTooNewException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    /// <param name="message">The message.</param>
    public StoreTooNewException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
