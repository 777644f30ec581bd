namespace Atom.Server.Search.Vectors;

/// <summary>
/// A nearest-neighbour search within one tenant. Every filter set here is a hard constraint; a set that is present but empty
/// matches nothing (a reader with no readable scopes sees nothing), unlike a null one, which matches anything.
/// </summary>
/// <param name="Vector">The query vector, of the collection's dimensions.</param>
/// <param name="Limit">The most hits to return (at least 1).</param>
/// <param name="TenantId">The tenant whose points alone may be returned.</param>
public sealed record VectorQuery(ReadOnlyMemory<float> Vector, int Limit, string TenantId)
{
    /// <summary>Gets the scopes a hit's <see cref="VectorPayload.Scope"/> must be one of (exact, ordinal match); null for any.</summary>
    public IReadOnlyCollection<string>? Scopes { get; init; }

    /// <summary>Gets the kinds a hit's <see cref="VectorPayload.Kind"/> must be one of; null for any.</summary>
    public IReadOnlyCollection<string>? Kinds { get; init; }

    /// <summary>Gets the categories a hit's <see cref="VectorPayload.Category"/> must be one of; null for any.</summary>
    public IReadOnlyCollection<string>? Categories { get; init; }

    /// <summary>Gets the earliest <see cref="VectorPayload.CreatedAt"/> of a hit, in Unix milliseconds, inclusive; null for no bound.</summary>
    public long? CreatedFrom { get; init; }

    /// <summary>Gets the end of the <see cref="VectorPayload.CreatedAt"/> range, in Unix milliseconds, exclusive; null for no bound.</summary>
    public long? CreatedTo { get; init; }
}
