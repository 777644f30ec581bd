using System.Data.Common;
using Atom.Server.Chat;
using Atom.Server.Chat.Transcripts;
using Atom.Server.Files;
using Atom.Server.Files.Stores;

namespace Atom.Server.Hosting;

/// <summary>
/// Tells chat when a file that voice messages may be waiting for has settled (its transcript done, or none to come: the
/// file gone, refused or unreadable), in the files' transaction, so that attaching the transcript is queued with the
/// change. Changes before that (processed, transcription still pending) queue nothing: a job run too early would fold
/// the one that matters into itself and miss the transcript.
/// </summary>
/// <param name="transcripts">Chat's transcript queue.</param>
internal sealed class VoiceMessageRecordings(VoiceTranscriptQueue transcripts) : IFileChangeObserver
{
    /// <inheritdoc />
    public Task FileChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId) =>
        transcripts.RecordingChangedAsync(connection, transaction, tenantId, fileId, async () =>
            RoomFileAttachments.TranscriptStateOf(await FileStore.ReadAsync(connection, transaction, tenantId, fileId, withText: false)) != VoiceTranscriptState.Pending);
}
