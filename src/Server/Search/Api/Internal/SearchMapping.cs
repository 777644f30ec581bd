using System.Text;
using Atom.Server.Search.History;
using Atom.Server.Search.Index;
using Atom.Server.Search.Text;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Search.Api.Internal;

/// <summary>Search's records as the contract shows them.</summary>
internal static class SearchMapping
{
    public static SearchResponse ToResponse(SearchOutcome outcome, IReadOnlyDictionary<string, string> roomNames, int offset, int size)
    {
        var response = new SearchResponse
        {
            Mode = ToProto(outcome.Mode),
            Degraded = outcome.DegradedReason is not null,
            DegradedReason = outcome.DegradedReason ?? string.Empty,
        };
        response.ExpandedTerms.AddRange(outcome.ExpandedTerms);
        response.Results.AddRange(outcome.Hits.Skip(offset).Take(size).Select(hit => ToProto(hit, roomNames)));
        return response;
    }

    /// <summary>What a live search compares to know whether its results changed: which results, in which order, showing what.</summary>
    public static string Fingerprint(SearchResponse response)
    {
        var text = new StringBuilder(response.Degraded ? "degraded\n" : "\n");
        foreach (var result in response.Results)
        {
            text.Append(result.Id).Append('|').Append(result.Match).Append('|').Append(result.Title).Append('|').AppendJoin('|', result.Snippets.Select(s => s.Text)).Append('\n');
        }

        return text.ToString();
    }

    public static Atom.V1.SearchHistoryEntry ToProto(History.SearchHistoryEntry entry) => new()
    {
        Id = entry.Id,
        Query = entry.Query,
        Mode = ToProto(entry.Mode),
        SearchTime = Timestamp.FromDateTimeOffset(entry.SearchedAt),
        Count = entry.Count,
    };

    private static SearchResult ToProto(SearchHit hit, IReadOnlyDictionary<string, string> roomNames)
    {
        var chunk = hit.Chunk;
        var result = new SearchResult
        {
            Kind = chunk.Kind == SourceKind.Message ? SearchResultKind.Message : SearchResultKind.File,
            Id = chunk.SourceId,

            // A message shows its room's name as it is now, not as it was when the message was indexed.
            Title = chunk.Kind == SourceKind.Message && roomNames.TryGetValue(chunk.RoomId, out var name) ? name : chunk.Title,
            Score = hit.Score,
            Match = hit.Match switch
            {
                HitMatch.Keyword => MatchReason.Keyword,
                HitMatch.Semantic => MatchReason.Semantic,
                _ => MatchReason.Both,
            },
            RoomId = chunk.RoomId,
            AuthorId = chunk.AuthorId,
            CreateTime = Timestamp.FromDateTimeOffset(chunk.CreatedAt),
            Sequence = chunk.Sequence,
            MediaType = chunk.MediaType,
        };
        result.Snippets.AddRange(hit.Snippets.Select(ToProto));
        return result;
    }

    private static Snippet ToProto(MarkedText text)
    {
        var snippet = new Snippet { Text = text.Text };
        snippet.Highlights.AddRange(text.Highlights.Select(h => new TextSpan { Start = h.Start, Length = h.Length }));
        return snippet;
    }

    private static SearchMode ToProto(RetrievalMode mode) => mode switch
    {
        RetrievalMode.Keyword => SearchMode.Keyword,
        RetrievalMode.Semantic => SearchMode.Semantic,
        _ => SearchMode.Hybrid,
    };
}
