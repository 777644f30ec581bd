using Atom.Server.Chat;
using Atom.Server.Files.Stores;

namespace Atom.Server.Hosting;

/// <summary>
/// Chat's view of files, read from the file store. It lives in the composition root so that neither capability refers
/// to the other: a message attaches only files shared in its room, so everyone who reads the message can open them.
/// </summary>
/// <param name="files">The files.</param>
internal sealed class RoomFileAttachments(FileStore files) : IMessageAttachments
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> FindInRoomAsync(string tenantId, string roomId, IReadOnlyCollection<string> fileIds, CancellationToken cancellationToken) =>
        (await files.ListInRoomAsync(tenantId, roomId, fileIds, cancellationToken)).ToDictionary(f => f.Id, f => f.Name, StringComparer.Ordinal);
}
