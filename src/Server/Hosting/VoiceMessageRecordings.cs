using System.Data.Common;
using Atom.Server.Chat.Transcripts;
using Atom.Server.Files;

namespace Atom.Server.Hosting;

/// <summary>
/// Tells chat when a file changes that voice messages may be waiting for (its transcript done, or the file gone), in the
/// files' transaction, so that attaching the transcript is queued with the change.
/// </summary>
/// <param name="transcripts">Chat's transcript queue.</param>
internal sealed class VoiceMessageRecordings(VoiceTranscriptQueue transcripts) : IFileChangeObserver
{
    /// <inheritdoc />
    public Task FileChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId) =>
        transcripts.RecordingChangedAsync(connection, transaction, tenantId, fileId);
}
