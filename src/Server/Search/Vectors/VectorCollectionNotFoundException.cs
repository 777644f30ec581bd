namespace Atom.Server.Search.Vectors;

/// <summary>Points were written to a collection that does not exist: <see cref="IVectorStore.EnsureCollectionAsync"/> comes first.</summary>
public sealed class VectorCollectionNotFoundException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public VectorCollectionNotFoundException()
    {
        Collection = string.Empty;
    }

    /// <summary>Initializes a new instance for a collection.</summary>
    /// <param name="collection">The collection.</param>
    public VectorCollectionNotFoundException(string collection)
        : base($"Vector collection '{collection}' does not exist.")
    {
        Collection = collection;
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VectorCollectionNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Collection = string.Empty;
    }

    /// <summary>Gets the collection.</summary>
    public string Collection { get; }
}
