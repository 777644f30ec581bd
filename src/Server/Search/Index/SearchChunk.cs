using Atom.Server.Search.Text;

namespace Atom.Server.Search.Index;

/// <summary>What a chunk is a piece of.</summary>
public enum SourceKind
{
    /// <summary>A message.</summary>
    Message,

    /// <summary>A file.</summary>
    File,
}

/// <summary>A piece of a message or file as it is indexed, with what access and filters need.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Kind">What it is a piece of.</param>
/// <param name="SourceId">The message or file.</param>
/// <param name="Chunk">Its place in the source, from 0.</param>
/// <param name="Scope">Who may read it: <c>room:ID</c>, or <c>user:ID</c> for a personal file.</param>
/// <param name="RoomId">The room; empty for a personal file.</param>
/// <param name="AuthorId">A message's sender, a file's owner.</param>
/// <param name="Category">A file's category (document, image, ...); empty for a message.</param>
/// <param name="MediaType">A file's detected media type; empty for a message.</param>
/// <param name="TypeLabel">A file's type (PDF, DOCX, ...); empty for a message.</param>
/// <param name="Title">A file's name; empty for a message (results show its room's name as it is then).</param>
/// <param name="Body">The text.</param>
/// <param name="Language">The text search configuration its text is stemmed with (english, german, ..., simple).</param>
/// <param name="Sequence">A message's sequence in its room; 0 for a file.</param>
/// <param name="CreatedAt">When the source was created.</param>
public sealed record SearchChunk(
    string TenantId,
    SourceKind Kind,
    string SourceId,
    int Chunk,
    string Scope,
    string RoomId,
    string AuthorId,
    string Category,
    string MediaType,
    string TypeLabel,
    string Title,
    string Body,
    string Language,
    long Sequence,
    DateTimeOffset CreatedAt)
{
    /// <summary>Gets the embedding of the chunk's text; null when there is none (no embeddings, or no word they know).</summary>
    public float[]? Embedding { get; init; }

    /// <summary>Gets the chunk's id: unique in its tenant, and the same every time the source is indexed.</summary>
    public string Id => IdOf(Kind, SourceId, Chunk);

    /// <summary>The id of a source's chunk.</summary>
    /// <param name="kind">The source's kind.</param>
    /// <param name="sourceId">The source.</param>
    /// <param name="chunk">The chunk's place.</param>
    /// <returns>The id.</returns>
    public static string IdOf(SourceKind kind, string sourceId, int chunk) => $"{NameOf(kind)}:{sourceId}:{chunk}";

    /// <summary>How a kind is named in the store, in vector payloads and in chunk ids.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><c>message</c> or <c>file</c>.</returns>
    public static string NameOf(SourceKind kind) => kind == SourceKind.Message ? "message" : "file";
}

/// <summary>What chunks a search may see. <see cref="Scopes"/> is access control and always applies.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Scopes">The scopes the caller may read (<c>room:ID</c>, <c>user:ID</c>).</param>
public sealed record ChunkFilter(string TenantId, IReadOnlyCollection<string> Scopes)
{
    /// <summary>Gets the kinds to search; null for both.</summary>
    public IReadOnlyCollection<SourceKind>? Kinds { get; init; }

    /// <summary>Gets the authors; null for anyone.</summary>
    public IReadOnlyCollection<string>? AuthorIds { get; init; }

    /// <summary>Gets file types, each matched against media type, type label and category (lower case); null for any.</summary>
    public IReadOnlyCollection<string>? FileTypes { get; init; }

    /// <summary>Gets the earliest creation time, inclusive.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Gets the latest creation time, exclusive.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }
}

/// <summary>A chunk a keyword search found.</summary>
/// <param name="Chunk">The chunk.</param>
/// <param name="Score">Its relevance (BM25 or ts_rank_cd): higher is better, comparable within one search.</param>
/// <param name="Snippet">A passage of its body around the matches, with the matches marked.</param>
public sealed record KeywordHit(SearchChunk Chunk, double Score, MarkedText Snippet);
