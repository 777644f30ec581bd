using System.Globalization;
using System.Security.Cryptography;
using Atom.Sdk;
using Atom.Server.Search.Index;
using Atom.Server.Search.Text;
using Atom.Server.Storage;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Atom.Server.Search.Api.Internal;

/// <summary>What a search request may hold: each rule names the field it refuses and why.</summary>
internal static class SearchRules
{
    /// <summary>The most results a search pages through: past this, refining the query serves better than page 51.</summary>
    public const int MaxResults = 1000;

    public const int DefaultPageSize = 20;

    public const int MaxPageSize = 100;

    private const int MaxListed = 100;

    private const int MaxPrefixLength = 128;

    public static string QueryText(string field, string query)
    {
        var text = query.Trim();
        if (text.Length == 0)
        {
            throw AtomErrors.InvalidField(field, "is required: the words to search for.");
        }

        if (text.Length > KeywordQuery.MaxLength)
        {
            throw AtomErrors.InvalidField(field, $"is {text.Length} characters long; at most {KeywordQuery.MaxLength}.");
        }

        if (KeywordQuery.Parse(text).IsEmpty)
        {
            throw AtomErrors.InvalidField(field, "has no word to search for: only punctuation, or only -excluded words.");
        }

        return text;
    }

    public static RetrievalMode Mode(string field, SearchMode mode) => mode switch
    {
        SearchMode.Unspecified or SearchMode.Hybrid => RetrievalMode.Hybrid,
        SearchMode.Keyword => RetrievalMode.Keyword,
        SearchMode.Semantic => RetrievalMode.Semantic,
        _ => throw AtomErrors.InvalidField(field, $"{(int)mode} is not a search mode."),
    };

    public static IReadOnlyCollection<SourceKind>? Kinds(string field, RepeatedField<SearchScope> scopes)
    {
        if (scopes.Count == 0)
        {
            return null;
        }

        return [.. scopes.Select((scope, i) => scope switch
        {
            SearchScope.Messages => SourceKind.Message,
            SearchScope.Files => SourceKind.File,
            _ => throw AtomErrors.InvalidField($"{field}[{i}]", "must be SEARCH_SCOPE_MESSAGES or SEARCH_SCOPE_FILES."),
        }).Distinct()];
    }

    public static IReadOnlyCollection<string> Ids(string field, RepeatedField<string> ids)
    {
        if (ids.Count > MaxListed)
        {
            throw AtomErrors.InvalidField(field, $"names {ids.Count}; at most {MaxListed}.");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length is 0 or > 64 || ids[i].Any(char.IsControl))
            {
                throw AtomErrors.InvalidField($"{field}[{i}]", "must be an id of 1 to 64 printable characters.");
            }
        }

        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    public static IReadOnlyCollection<string> FileTypes(string field, RepeatedField<string> types)
    {
        if (types.Count > MaxListed)
        {
            throw AtomErrors.InvalidField(field, $"names {types.Count}; at most {MaxListed}.");
        }

        return [.. types.Select((type, i) => type.Trim().Length is 0 or > 255 || type.Any(char.IsControl)
            ? throw AtomErrors.InvalidField($"{field}[{i}]", "must be a media type (application/pdf), a type (pdf) or a category (document), at most 255 printable characters.")
            : type.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
    }

    public static (DateTimeOffset? From, DateTimeOffset? Before) Dates(string field, SearchFilter filter)
    {
        var from = filter.CreatedAfter?.ToDateTimeOffset();
        var before = filter.CreatedBefore?.ToDateTimeOffset();
        if (from >= before)
        {
            throw AtomErrors.InvalidField(field + ".created_before", "must be later than created_after.");
        }

        return (from, before);
    }

    public static int PageSize(string field, int size) => size switch
    {
        < 0 => throw AtomErrors.InvalidField(field, $"must not be negative (0 means the default, {DefaultPageSize})."),
        0 => DefaultPageSize,
        _ => Math.Min(size, MaxPageSize),
    };

    /// <summary>Where a page starts. A token carries the request it was issued for, so one presented with another query or filter is refused.</summary>
    public static int Offset(SearchPlan plan, string token)
    {
        var key = PageToken.Decode(TokenScope(plan), token);
        if (key is null)
        {
            return 0;
        }

        return int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset is > 0 and < MaxResults
            ? offset
            : throw new InvalidPageTokenException("is not a token this server issued.");
    }

    public static string NextPageToken(SearchPlan plan, int offset) =>
        offset >= MaxResults ? string.Empty : PageToken.Encode(TokenScope(plan), offset.ToString(CultureInfo.InvariantCulture));

    /// <summary>What identifies a request's results: everything but the paging and whether it is kept in the history.</summary>
    public static string Fingerprint(SearchRequest request)
    {
        var identity = request.Clone();
        identity.PageToken = string.Empty;
        identity.PageSize = 0;
        identity.SkipHistory = false;
        return Convert.ToHexStringLower(SHA256.HashData(identity.ToByteArray()))[..24];
    }

    public static string Prefix(string prefix)
    {
        var text = prefix.Trim();
        return text.Length is 0 or > MaxPrefixLength || text.Any(char.IsControl)
            ? throw AtomErrors.InvalidField("prefix", $"must be 1 to {MaxPrefixLength} printable characters: what has been typed so far.")
            : text;
    }

    public static int SuggestLimit(int limit) => limit switch
    {
        < 0 => throw AtomErrors.InvalidField("limit", "must not be negative (0 means the default, 8)."),
        0 => 8,
        _ => Math.Min(limit, 20),
    };

    private static string TokenScope(SearchPlan plan) => "search/" + plan.Fingerprint;
}

/// <summary>A checked search request: the engine's query, the names of the rooms it may show, and what identifies it.</summary>
/// <param name="Query">The engine's query.</param>
/// <param name="RoomNames">Room id → name, for the titles of messages.</param>
/// <param name="Fingerprint">Identifies the request's results, for its page tokens.</param>
internal sealed record SearchPlan(SearchQuery Query, IReadOnlyDictionary<string, string> RoomNames, string Fingerprint);
