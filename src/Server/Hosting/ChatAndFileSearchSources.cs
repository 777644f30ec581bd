using Atom.Server.Chat;
using Atom.Server.Chat.Stores;
using Atom.Server.Files.Stores;
using Atom.Server.Search;
using Atom.Server.Search.Index;

namespace Atom.Server.Hosting;

/// <summary>
/// Search's view of messages and files, read from chat's and files' stores. It lives in the composition root so that
/// no capability refers to another: a message is indexed under its room, a file under its room or its owner, and only a
/// file that may be served (scanned clean) is indexed at all.
/// </summary>
/// <param name="messages">The messages.</param>
/// <param name="rooms">The rooms.</param>
/// <param name="files">The files.</param>
internal sealed class ChatAndFileSearchSources(MessageStore messages, RoomStore rooms, FileStore files) : ISearchSources
{
    /// <inheritdoc />
    public async Task<SearchSource?> GetMessageAsync(string tenantId, string roomId, string messageId, CancellationToken cancellationToken)
    {
        var message = await messages.GetAsync(tenantId, roomId, messageId, cancellationToken);
        if (message is null || message.IsDeleted)
        {
            return null;
        }

        // A voice message is found by what was said in it, as well as by its caption.
        var text = message.Voice is { State: VoiceTranscriptState.Ready, Transcript.Length: > 0 } voice
            ? (message.Text.Length > 0 ? message.Text + "\n\n" + voice.Transcript : voice.Transcript)
            : message.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // No title: a room's name is not a word of each of its messages (searching "launch" must not find every message
        // of #launch); results show the room's name as it is when they are shown.
        var room = await rooms.GetAsync(tenantId, roomId, cancellationToken: cancellationToken);
        return room is null ? null : new SearchSource(SourceKind.Message, message.Id, SearchSource.RoomScope(roomId), roomId, message.SenderId,
            string.Empty, text, string.Empty, string.Empty, string.Empty, message.Sequence, message.CreatedAt);
    }

    /// <inheritdoc />
    public async Task<SearchSource?> GetFileAsync(string tenantId, string fileId, CancellationToken cancellationToken)
    {
        var file = await files.GetAsync(tenantId, fileId, withText: true, cancellationToken);
        if (file is null || !file.IsServable)
        {
            return null;
        }

        var scope = file.RoomId.Length > 0 ? SearchSource.RoomScope(file.RoomId) : SearchSource.UserScope(file.OwnerId);
        return new SearchSource(SourceKind.File, file.Id, scope, file.RoomId, file.OwnerId, file.Name, file.Text ?? string.Empty,
            file.Category.ToLowerInvariant(), file.MediaType, file.TypeLabel, 0, file.CreatedAt);
    }
}
