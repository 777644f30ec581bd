using System.Diagnostics;
using Atom.V1;

namespace Atom.Server.Tests.Search.Api;

/// <summary>Search calls for tests: indexing runs in the background, so a test searches until what it expects is there.</summary>
internal static class SearchCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Searches until <paramref name="done"/> holds of the response, or fails after <see cref="Patience"/>.</summary>
    public static async Task<SearchResponse> UntilAsync(this SearchServiceClient client, SearchRequest request, Func<SearchResponse, bool> done)
    {
        request.SkipHistory = true;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.SearchAsync(request);
            if (done(response))
            {
                return response;
            }

            if (waited.Elapsed > Patience)
            {
                throw new Xunit.Sdk.XunitException($"'{request.Query}' did not find what was expected after {Patience}: {response}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Searches until the query finds exactly these ids (in any order).</summary>
    public static Task<SearchResponse> UntilIdsAsync(this SearchServiceClient client, string query, params string[] ids) =>
        client.UntilAsync(new SearchRequest { Query = query, Mode = SearchMode.Keyword }, r => r.Results.Select(x => x.Id).Order().SequenceEqual(ids.Order()));

    /// <summary>The highlighted parts of a snippet.</summary>
    public static IEnumerable<string> Highlighted(this Snippet snippet) => snippet.Highlights.Select(h => snippet.Text.Substring(h.Start, h.Length));
}
