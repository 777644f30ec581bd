using System.Numerics.Tensors;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>What both stores check of their input, the same way, before anything is written or searched.</summary>
internal static class VectorChecks
{
    /// <summary>The most dimensions a collection may have.</summary>
    public const int MaxDimensions = 65_536;

    /// <summary>The most hits one search may ask for.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>The longest point id, in characters.</summary>
    public const int MaxIdLength = 512;

    /// <summary>Checks a collection name: it names a directory of the in-process store and a collection on a server.</summary>
    public static void Collection(string collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (collection.Length is 0 or > 64 || !collection.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"Vector collection name '{collection}' must be 1 to 64 ASCII letters, digits, '_' or '-'.", nameof(collection));
        }
    }

    public static void Dimensions(int dimensions)
    {
        if (dimensions is < 1 or > MaxDimensions)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"Dimensions must be between 1 and {MaxDimensions}.");
        }
    }

    /// <summary>Checks points before a write, naming the first bad one by its position.</summary>
    public static void Points(IReadOnlyList<VectorPoint> points, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(points);
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i] ?? throw new ArgumentException($"points[{i}] is null.", nameof(points));
            if (string.IsNullOrEmpty(point.Id) || point.Id.Length > MaxIdLength)
            {
                throw new ArgumentException($"points[{i}].Id must have 1 to {MaxIdLength} characters.", nameof(points));
            }

            Vector(point.Vector.Span, dimensions, $"points[{i}].Vector");
            var p = point.Payload ?? throw new ArgumentException($"points[{i}].Payload is null.", nameof(points));
            if (string.IsNullOrEmpty(p.TenantId) || string.IsNullOrEmpty(p.SourceId) || string.IsNullOrEmpty(p.Scope) || string.IsNullOrEmpty(p.Kind))
            {
                throw new ArgumentException($"points[{i}].Payload needs a TenantId, SourceId, Scope and Kind.", nameof(points));
            }

            if (p.Category is null)
            {
                throw new ArgumentException($"points[{i}].Payload.Category is null; use \"\" for none.", nameof(points));
            }
        }
    }

    public static void Query(VectorQuery query, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrEmpty(query.TenantId))
        {
            throw new ArgumentException("The query needs a TenantId.", nameof(query));
        }

        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"The query's Limit must be between 1 and {MaxLimit}; got {query.Limit}.", nameof(query));
        }

        Vector(query.Vector.Span, dimensions, "query.Vector");
    }

    /// <summary>
    /// Whether a query can match nothing whatever is stored: a filter set that is present but empty, or a date range that
    /// is empty. Checked before anything is asked of an index, so "no readable scopes" can never widen to "any".
    /// </summary>
    public static bool MatchesNothing(VectorQuery query) =>
        query.Scopes is { Count: 0 } || query.Kinds is { Count: 0 } || query.Categories is { Count: 0 }
        || query.CreatedTo == long.MinValue
        || (query.CreatedFrom is { } from && query.CreatedTo is { } to && from >= to);

    /// <summary>
    /// Whether a payload passes a query's tenant and filter: the last check on every hit, whatever the index (or the
    /// server) did, because a hit of another tenant or scope must never get out.
    /// </summary>
    public static bool Accepts(VectorQuery query, VectorPayload payload) =>
        string.Equals(payload.TenantId, query.TenantId, StringComparison.Ordinal)
        && (query.Scopes is null || query.Scopes.Contains(payload.Scope, StringComparer.Ordinal))
        && (query.Kinds is null || query.Kinds.Contains(payload.Kind, StringComparer.Ordinal))
        && (query.Categories is null || query.Categories.Contains(payload.Category, StringComparer.Ordinal))
        && (query.CreatedFrom is not { } from || payload.CreatedAt >= from)
        && (query.CreatedTo is not { } to || payload.CreatedAt < to);

    /// <summary>Writes the vector scaled to length 1 into <paramref name="into"/>: cosine similarity is then a dot product.</summary>
    public static void Normalize(ReadOnlySpan<float> vector, Span<float> into)
    {
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, norm, into);
    }

    private static void Vector(ReadOnlySpan<float> vector, int dimensions, string what)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"{what} has {vector.Length} dimensions; the collection has {dimensions}.");
        }

        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                throw new ArgumentException($"{what} has a component that is not a finite number.");
            }
        }

        // A zero vector has no direction, and a tiny one would be scaled up into noise.
        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 1e-30f) || !float.IsFinite(norm))
        {
            throw new ArgumentException($"{what} has length {norm}: a vector must have a direction.");
        }
    }
}
