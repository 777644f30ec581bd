namespace Atom.Server.Search.Vectors;

/// <summary>What search filters a point by, and what a hit carries back.</summary>
/// <param name="TenantId">The tenant that owns the point.</param>
/// <param name="SourceId">The message or file the point was cut from (one source has one point per chunk).</param>
/// <param name="Scope">Who may read it, e.g. <c>room:ID</c> or <c>user:ID</c>; queries match it exactly.</param>
/// <param name="Kind">What the source is: <c>message</c> or <c>file</c>.</param>
/// <param name="CreatedAt">When the source was created, in Unix milliseconds.</param>
/// <param name="Category">A further facet, e.g. the file category; empty for none.</param>
public sealed record VectorPayload(string TenantId, string SourceId, string Scope, string Kind, long CreatedAt, string Category);

/// <summary>A vector to store, with its id and payload.</summary>
/// <param name="Id">The id, unique within the collection; an upsert with a known id replaces that point.</param>
/// <param name="Vector">The vector; the store compares by cosine, so its length does not matter, but it must not be zero.</param>
/// <param name="Payload">The payload.</param>
public sealed record VectorPoint(string Id, ReadOnlyMemory<float> Vector, VectorPayload Payload);

/// <summary>A point found by a search.</summary>
/// <param name="Id">The point's id.</param>
/// <param name="Score">The cosine similarity to the query vector, from -1 to 1.</param>
/// <param name="Payload">The point's payload.</param>
public sealed record VectorHit(string Id, float Score, VectorPayload Payload);
