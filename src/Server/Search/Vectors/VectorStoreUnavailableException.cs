namespace Atom.Server.Search.Vectors;

/// <summary>
/// A remote vector store could not be reached or failed on its side (a network error, a timeout, a 5xx answer): search can
/// carry on with keyword matches alone, and indexing can retry later.
/// </summary>
public class VectorStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public VectorStoreUnavailableException()
        : base("The vector store is unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public VectorStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VectorStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
