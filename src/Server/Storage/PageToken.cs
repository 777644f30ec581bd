using System.Buffers.Text;
using System.Text;

namespace Atom.Server.Storage;

/// <summary>A page of a keyset-paginated list.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page, in list order.</param>
/// <param name="NextPageToken">The token for the next page; empty on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);

/// <summary>What a caller asks of a list: how many items, and where to continue.</summary>
/// <param name="PageSize">The requested page size; 0 or less means <see cref="PageToken.DefaultPageSize"/>, larger than <see cref="PageToken.MaxPageSize"/> is capped.</param>
/// <param name="PageToken">The <c>next_page_token</c> of the previous page, or empty for the first page.</param>
public sealed record PageRequest(int PageSize = 0, string? PageToken = null)
{
    /// <summary>Gets the first page of the default size.</summary>
    public static PageRequest First { get; } = new();

    /// <summary>Gets the effective page size, after the default and the cap.</summary>
    public int EffectiveSize => PageSize <= 0 ? Storage.PageToken.DefaultPageSize : Math.Min(PageSize, Storage.PageToken.MaxPageSize);
}

/// <summary>
/// The one format of <c>page_token</c>s in Atom: opaque to callers, a base64url encoding of the list it belongs
/// to and the sort key of the last item returned (keyset pagination: the next page is "key greater than this").
/// A token presented to another list is rejected, not silently misread.
/// </summary>
public static class PageToken
{
    /// <summary>The page size when a caller does not say.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page a caller gets, whatever it asks for.</summary>
    public const int MaxPageSize = 500;

    private const string Version = "p1";

    /// <summary>Encodes the position after <paramref name="lastKey"/> in the list <paramref name="scope"/>.</summary>
    /// <param name="scope">Names the list and its filters, e.g. <c>users</c> or <c>users+disabled</c>.</param>
    /// <param name="lastKey">The sort key of the last item on the page.</param>
    /// <returns>The opaque token.</returns>
    public static string Encode(string scope, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + "\n" + scope + "\n" + lastKey));

    /// <summary>Decodes a token of the list <paramref name="scope"/>.</summary>
    /// <param name="scope">The list the token must belong to.</param>
    /// <param name="token">The token; null or empty means the first page.</param>
    /// <returns>The sort key to continue after, or null for the first page.</returns>
    /// <exception cref="InvalidPageTokenException">The token is not one this list issued.</exception>
    public static string? Decode(string scope, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException("is not a token this server issued.");
        }

        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new InvalidPageTokenException("is not a token this server issued.");
        }

        if (parts[1] != scope)
        {
            throw new InvalidPageTokenException("belongs to another list or other filters; start again without it.");
        }

        return parts[2];
    }

    /// <summary>Makes a page from up to <c>size + 1</c> rows read in key order: the extra row only says that more follow.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="scope">The list.</param>
    /// <param name="rows">The rows read, at most one more than <paramref name="size"/>.</param>
    /// <param name="size">The page size.</param>
    /// <param name="key">The sort key of an item.</param>
    /// <returns>The page.</returns>
    public static Page<T> ToPage<T>(string scope, IReadOnlyList<T> rows, int size, Func<T, string> key)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(key);
        if (rows.Count <= size)
        {
            return new Page<T>(rows, string.Empty);
        }

        var items = rows.Take(size).ToList();
        return new Page<T>(items, Encode(scope, key(items[^1])));
    }
}

/// <summary>A <c>page_token</c> that this server did not issue for the list it was presented to.</summary>
public sealed class InvalidPageTokenException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidPageTokenException"/> class.</summary>
    /// <param name="message">Why the token was rejected, e.g. "is not a token this server issued."</param>
    public InvalidPageTokenException(string message)
        : base(message, "page_token")
    {
        Problem = message;
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidPageTokenException"/> class.</summary>
    public InvalidPageTokenException()
        : this("is not valid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidPageTokenException"/> class.</summary>
    /// <param name="message">Why the token was rejected.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidPageTokenException(string message, Exception innerException)
        : base(message, "page_token", innerException)
    {
        Problem = message;
    }

    /// <summary>Gets what is wrong with the token, without the parameter name (the field is always <c>page_token</c>).</summary>
    public string Problem { get; }
}
