namespace Atom.Server.Search.Vectors;

/// <summary>
/// A collection exists with other dimensions than asked for, typically because the embedding model changed: its vectors
/// cannot be compared with the new ones, so the collection must be deleted and filled again.
/// </summary>
public sealed class VectorDimensionMismatchException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public VectorDimensionMismatchException()
    {
        Collection = string.Empty;
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public VectorDimensionMismatchException(string message)
        : base(message)
    {
        Collection = string.Empty;
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VectorDimensionMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Collection = string.Empty;
    }

    /// <summary>Initializes a new instance for a collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="existing">Its dimensions.</param>
    /// <param name="requested">The dimensions asked for.</param>
    public VectorDimensionMismatchException(string collection, int existing, int requested)
        : base($"Vector collection '{collection}' has {existing} dimensions, not {requested}: delete it and index again to change them.")
    {
        Collection = collection;
        Existing = existing;
        Requested = requested;
    }

    /// <summary>Gets the collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the collection's dimensions.</summary>
    public int Existing { get; }

    /// <summary>Gets the dimensions asked for.</summary>
    public int Requested { get; }
}
