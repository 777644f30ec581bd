namespace Atom.Server.Chat;

/// <summary>
/// The files a message may attach. Chat does not read files' tables: the composition root supplies this from the file
/// store, so what "a file of this room" means is decided where files are.
/// </summary>
public interface IMessageAttachments
{
    /// <summary>Finds which of the files are shared in the room, with their names.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room the message goes to.</param>
    /// <param name="fileIds">The files the message names.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The name of each file found in the room, by id; files elsewhere, or nowhere, are missing from it.</returns>
    Task<IReadOnlyDictionary<string, string>> FindInRoomAsync(string tenantId, string roomId, IReadOnlyCollection<string> fileIds, CancellationToken cancellationToken);
}
