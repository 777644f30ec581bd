using Atom.Sdk;
using Google.Protobuf;

namespace Atom.Cli.Calls;

/// <summary>Lists come in pages (AIP-158); the CLI shows a whole list, so it follows the page tokens to the end.</summary>
internal static class Pages
{
    private const string NextPageToken = "next_page_token";

    /// <summary>Fetches every page and returns them as one response: the items of all pages, in order, and no next page token.</summary>
    /// <typeparam name="TResponse">A list response with a <c>next_page_token</c> field.</typeparam>
    /// <param name="fetch">Fetches the page a token names; the first page's token is empty.</param>
    /// <returns>The merged response.</returns>
    public static async Task<TResponse> AllAsync<TResponse>(Func<string, Task<TResponse>> fetch)
        where TResponse : IMessage<TResponse>
    {
        var merged = await fetch(string.Empty).ConfigureAwait(false);
        var token = merged.Descriptor.FindFieldByName(NextPageToken)
            ?? throw new InvalidOperationException($"{merged.Descriptor.FullName} has no {NextPageToken}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = (string)token.Accessor.GetValue(merged);
        while (next.Length > 0)
        {
            if (!seen.Add(next))
            {
                throw new RpcException(new Status(StatusCode.Internal, $"the server returned the page token '{next}' twice; stopping instead of looping."));
            }

            // MergeFrom appends repeated fields: the items of this page go after those already had.
            var page = await fetch(next).ConfigureAwait(false);
            merged.MergeFrom(page);
            next = (string)token.Accessor.GetValue(page);
        }

        token.Accessor.Clear(merged);
        return merged;
    }
}
