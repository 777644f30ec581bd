using Atom.Sdk;
using Google.Protobuf;

namespace Atom.Cli.Calls;

/// <summary>Lists come in pages (AIP-158); the CLI shows a whole list, or its first N items, so it follows the page tokens.</summary>
internal static class Pages
{
    private const string NextPageToken = "next_page_token";

    /// <summary>Fetches every page and returns them as one response: the items of all pages, in order, and no next page token.</summary>
    /// <typeparam name="TResponse">A list response with a <c>next_page_token</c> field.</typeparam>
    /// <param name="fetch">Fetches the page a token names; the first page's token is empty.</param>
    /// <returns>The merged response.</returns>
    public static async Task<TResponse> AllAsync<TResponse>(Func<string, Task<TResponse>> fetch)
        where TResponse : IMessage<TResponse> =>
        (await CollectAsync((token, _) => fetch(token), count: null, limit: int.MaxValue).ConfigureAwait(false)).Merged;

    /// <summary>
    /// Fetches pages until there are <paramref name="limit"/> items or the list ends, asking each page for no more
    /// than are still wanted, and returns them as one response whose next page token says whether more remain.
    /// </summary>
    /// <typeparam name="TResponse">A list response with a <c>next_page_token</c> field.</typeparam>
    /// <param name="limit">The most items wanted.</param>
    /// <param name="fetch">Fetches the page a token names, of at most the size given; the first page's token is empty.</param>
    /// <param name="count">Counts the items of a response.</param>
    /// <returns>The merged response, its next page token empty when the list has no more.</returns>
    public static async Task<TResponse> UpToAsync<TResponse>(int limit, Func<string, int, Task<TResponse>> fetch, Func<TResponse, int> count)
        where TResponse : IMessage<TResponse>
    {
        var (merged, next) = await CollectAsync(fetch, count, limit).ConfigureAwait(false);
        merged.Descriptor.FindFieldByName(NextPageToken).Accessor.SetValue(merged, next);
        return merged;
    }

    private static async Task<(TResponse Merged, string Next)> CollectAsync<TResponse>(Func<string, int, Task<TResponse>> fetch, Func<TResponse, int>? count, int limit)
        where TResponse : IMessage<TResponse>
    {
        var merged = await fetch(string.Empty, limit).ConfigureAwait(false);
        var token = merged.Descriptor.FindFieldByName(NextPageToken)
            ?? throw new InvalidOperationException($"{merged.Descriptor.FullName} has no {NextPageToken}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = (string)token.Accessor.GetValue(merged);
        while (next.Length > 0 && (count is null || count(merged) < limit))
        {
            if (!seen.Add(next))
            {
                throw new RpcException(new Status(StatusCode.Internal, $"the server returned the page token '{next}' twice; stopping instead of looping."));
            }

            // MergeFrom appends repeated fields: the items of this page go after those already had.
            var page = await fetch(next, count is null ? limit : limit - count(merged)).ConfigureAwait(false);
            merged.MergeFrom(page);
            next = (string)token.Accessor.GetValue(page);
        }

        // MergeFrom keeps the last non-empty token; the caller decides what the merged response says.
        token.Accessor.Clear(merged);
        return (merged, next);
    }
}
