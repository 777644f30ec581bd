using System.Data.Common;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Stores;
using Atom.Server.Jobs;

namespace Atom.Server.Files.Pipeline;

/// <summary>
/// Queues a recording for transcription in the transaction that made it ready: processing marks an audio file's
/// transcription <c>pending</c> when a transcriber can run, and this turns that mark into a durable job, so the
/// transcript follows even across a restart. Any later change of the file (a rename) finds the mark gone and queues nothing.
/// </summary>
/// <param name="jobs">The job queue.</param>
public sealed class TranscriptQueue(JobQueue jobs) : IFileChangeObserver
{
    /// <summary>The job kind <see cref="TranscriptProcessor"/> runs.</summary>
    public const string JobKind = "files.transcribe";

    /// <summary>The value of <see cref="ContentMetadataKeys.Transcription"/> while the job waits or runs.</summary>
    public const string Pending = "pending";

    /// <inheritdoc />
    public async Task FileChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId)
    {
        var file = await FileStore.ReadAsync(connection, transaction, tenantId, fileId, withText: false);
        if (file is { State: FileStatus.Ready } && file.Metadata.TryGetValue(ContentMetadataKeys.Transcription, out var state) && state == Pending)
        {
            await jobs.EnqueueAsync(connection, transaction, tenantId, JobKind, fileId, string.Empty);
        }
    }
}
