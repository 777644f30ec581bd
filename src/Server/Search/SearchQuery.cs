using Atom.Server.Search.Index;
using Atom.Server.Search.Text;

namespace Atom.Server.Search;

/// <summary>How a query is matched.</summary>
public enum RetrievalMode
{
    /// <summary>Keyword and semantic results, fused by rank.</summary>
    Hybrid,

    /// <summary>Full text only.</summary>
    Keyword,

    /// <summary>By meaning only.</summary>
    Semantic,
}

/// <summary>Why a result matched.</summary>
public enum HitMatch
{
    /// <summary>Its words.</summary>
    Keyword,

    /// <summary>Its meaning.</summary>
    Semantic,

    /// <summary>Both.</summary>
    Both,
}

/// <summary>A search.</summary>
/// <param name="Text">What was typed.</param>
/// <param name="Mode">How to match.</param>
/// <param name="Filter">What may be seen and what is asked for; its scopes are access control.</param>
/// <param name="Limit">The most results.</param>
public sealed record SearchQuery(string Text, RetrievalMode Mode, ChunkFilter Filter, int Limit);

/// <summary>A message or file found.</summary>
/// <param name="Chunk">Its best-ranked chunk, which carries what the result shows (title, room, author, time).</param>
/// <param name="Score">The fused score: higher is better, comparable within one search.</param>
/// <param name="Match">Why it matched.</param>
/// <param name="Snippets">Its passages that matched, best first.</param>
public sealed record SearchHit(SearchChunk Chunk, double Score, HitMatch Match, IReadOnlyList<MarkedText> Snippets);

/// <summary>What a search found.</summary>
/// <param name="Hits">The results, best first.</param>
/// <param name="Mode">How they were found: <see cref="RetrievalMode.Keyword"/> when the semantic side was unavailable.</param>
/// <param name="DegradedReason">Why the semantic side was unavailable; null when it was not (or not asked for).</param>
/// <param name="ExpandedTerms">The synonyms the query was widened with.</param>
public sealed record SearchOutcome(IReadOnlyList<SearchHit> Hits, RetrievalMode Mode, string? DegradedReason, IReadOnlyList<string> ExpandedTerms);
