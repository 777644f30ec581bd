using Atom.Server.Search.Index;

namespace Atom.Server.Search;

/// <summary>
/// What search indexes, read from where it lives. Search does not read chat's or files' tables: the composition root
/// supplies this, so what a message or a file is stays decided in one place.
/// </summary>
public interface ISearchSources
{
    /// <summary>Gets a message as it should be indexed now.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message, or null when it is gone, deleted or has no text: nothing of it should be found.</returns>
    Task<SearchSource?> GetMessageAsync(string tenantId, string roomId, string messageId, CancellationToken cancellationToken);

    /// <summary>Gets a file as it should be indexed now.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or null when it is gone or may not be served (not scanned clean): nothing of it should be found.</returns>
    Task<SearchSource?> GetFileAsync(string tenantId, string fileId, CancellationToken cancellationToken);
}

/// <summary>A message or a file, as search sees it.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Id">The message or file id.</param>
/// <param name="Scope">Who may read it: <c>room:ID</c>, or <c>user:ID</c> for a personal file.</param>
/// <param name="RoomId">The room; empty for a personal file.</param>
/// <param name="AuthorId">A message's sender, a file's owner.</param>
/// <param name="Title">A file's name; empty for a message (results show its room's name as it is then).</param>
/// <param name="Text">The text: a message's, or what was extracted from a file (may be empty).</param>
/// <param name="Category">A file's category; empty for a message.</param>
/// <param name="MediaType">A file's media type; empty for a message.</param>
/// <param name="TypeLabel">A file's type label; empty for a message.</param>
/// <param name="Sequence">A message's sequence; 0 for a file.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record SearchSource(
    SourceKind Kind,
    string Id,
    string Scope,
    string RoomId,
    string AuthorId,
    string Title,
    string Text,
    string Category,
    string MediaType,
    string TypeLabel,
    long Sequence,
    DateTimeOffset CreatedAt)
{
    /// <summary>The scope of a room's messages and files.</summary>
    /// <param name="roomId">The room.</param>
    /// <returns>The scope.</returns>
    public static string RoomScope(string roomId) => "room:" + roomId;

    /// <summary>The scope of a user's personal files.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The scope.</returns>
    public static string UserScope(string userId) => "user:" + userId;
}
