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

    /// <summary>Finds a voice message's recording, a file shared in the room, and where its transcript stands.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room of the message.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recording, or null when the room has no such file.</returns>
    Task<Recording?> FindRecordingAsync(string tenantId, string roomId, string fileId, CancellationToken cancellationToken);
}

/// <summary>A file of a room as a voice message's recording.</summary>
/// <param name="MediaType">Its media type: the detected one, or the declared one while it is being processed.</param>
/// <param name="IsAudio">Whether it is audio (or, while it is processed, declared as audio).</param>
/// <param name="Duration">How long it is, once known.</param>
/// <param name="State">Where its transcript stands.</param>
/// <param name="Transcript">What was said, when <see cref="VoiceTranscriptState.Ready"/>.</param>
public sealed record Recording(string MediaType, bool IsAudio, TimeSpan? Duration, VoiceTranscriptState State, string Transcript);
