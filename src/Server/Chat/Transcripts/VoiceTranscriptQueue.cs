using System.Data.Common;
using Atom.Server.Chat.Stores;
using Atom.Server.Jobs;

namespace Atom.Server.Chat.Transcripts;

/// <summary>
/// Queues the attaching of voice messages' transcripts, durably, in the transaction of whatever may complete one: a
/// voice message posted while its recording is still being transcribed, or a change of a recording that messages wait
/// for. Whichever of the two commits last queues a job that sees both, so no message waits for ever.
/// </summary>
/// <param name="jobs">The job queue.</param>
public sealed class VoiceTranscriptQueue(JobQueue jobs) : IMessageChangeObserver
{
    /// <summary>The job kind <see cref="VoiceTranscriptAttacher"/> runs; the payload is the recording's file id.</summary>
    public const string JobKind = "chat.voice-transcript";

    /// <inheritdoc />
    public async Task MessageChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string roomId, string messageId)
    {
        if (await MessageStore.AwaitedRecordingAsync(connection, transaction, tenantId, messageId) is { } fileId)
        {
            await jobs.EnqueueAsync(connection, transaction, tenantId, JobKind, "message:" + messageId, fileId);
        }
    }

    /// <summary>A recording changed (processed, transcribed, deleted), inside the transaction that changed it.</summary>
    /// <param name="connection">The connection of the transaction.</param>
    /// <param name="transaction">The transaction.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The recording's file.</param>
    /// <param name="settled">
    /// Whether the recording has settled (its transcript done, or none to come); asked only when a message waits for it,
    /// so that the common change, of a file no message waits for, costs one indexed lookup.
    /// </param>
    /// <returns>A task.</returns>
    public async Task RecordingChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId, Func<Task<bool>> settled)
    {
        ArgumentNullException.ThrowIfNull(settled);
        if (await MessageStore.IsRecordingAwaitedAsync(connection, transaction, tenantId, fileId) && await settled())
        {
            await jobs.EnqueueAsync(connection, transaction, tenantId, JobKind, "file:" + fileId, fileId);
        }
    }
}
