using Atom.Server.Files.Blobs;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Stores;
using Atom.Server.Jobs;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Files.Pipeline;

/// <summary>
/// Transcribes a recording after processing made it ready, as a job (<see cref="TranscriptQueue"/> queues it): the
/// transcript becomes the file's text, so search finds what was said, and the file's
/// <see cref="ContentMetadataKeys.Transcription"/> says how it went. The file is served while this runs; a transcriber
/// busy with live speech postpones the job rather than make a speaker wait.
/// </summary>
/// <param name="files">The files.</param>
/// <param name="blobs">The files' bytes.</param>
/// <param name="transcriber">Speech to text, from the composition root.</param>
/// <param name="processing">Processing's limits (the longest text kept).</param>
/// <param name="changes">Wakes WatchFile.</param>
/// <param name="logger">The logger.</param>
public sealed partial class TranscriptProcessor(
    FileStore files,
    IBlobStore blobs,
    IAudioTranscriber transcriber,
    FileProcessingOptions processing,
    FileChanges changes,
    ILogger<TranscriptProcessor> logger) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => TranscriptQueue.JobKind;

    /// <inheritdoc />
    public async Task HandleAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var tenantId = lease.Job.TenantId;
        var file = await files.GetAsync(tenantId, lease.Job.Subject, cancellationToken: cancellationToken);
        if (file is not { State: FileStatus.Ready } || !file.IsServable
            || !file.Metadata.TryGetValue(ContentMetadataKeys.Transcription, out var state) || state != TranscriptQueue.Pending)
        {
            return; // deleted, reprocessed or already transcribed: a job may run twice
        }

        string outcome;
        var text = string.Empty;
        var truncated = false;
        try
        {
            await using var content = await blobs.OpenFileAsync(file.Sha256, cancellationToken);
            var transcript = await transcriber.TranscribeAsync(content.Path, cancellationToken);
            text = transcript.Text.Trim();
            truncated = transcript.Truncated || text.Length > processing.MaxTextChars;
            if (text.Length > processing.MaxTextChars)
            {
                text = text[..processing.MaxTextChars];
            }

            outcome = text.Length == 0 ? "no-speech" : transcript.Truncated ? "truncated" : "done";
            Log.Transcribed(logger, tenantId, file.Id, transcript.Duration.TotalSeconds, text.Length);
        }
        catch (CorruptContentException e)
        {
            outcome = "failed";
            Log.NotTranscribed(logger, tenantId, file.Id, e.Reason);
        }
        catch (TranscriptionUnavailableException e)
        {
            outcome = "unavailable";
            Log.NotTranscribed(logger, tenantId, file.Id, e.Message);
        }
        catch (Exception e) when (e is not (JobRetryLaterException or OperationCanceledException) && lease.Job.Attempts >= lease.Job.MaxAttempts)
        {
            // The last attempt: say so on the file rather than leave it "pending" for ever.
            await RecordAsync(tenantId, file.Id, string.Empty, false, "failed", cancellationToken);
            throw;
        }

        await RecordAsync(tenantId, file.Id, text, truncated, outcome, cancellationToken);
    }

    private async Task RecordAsync(string tenantId, string fileId, string text, bool truncated, string outcome, CancellationToken cancellationToken)
    {
        await files.RecordTextAsync(tenantId, fileId, text, truncated, new Dictionary<string, string> { [ContentMetadataKeys.Transcription] = outcome }, cancellationToken);
        changes.Changed(tenantId, fileId);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "File {TenantId}/{FileId} transcribed: {Seconds:0.0} s of audio, {Characters} characters")]
        public static partial void Transcribed(ILogger logger, string tenantId, string fileId, double seconds, int characters);

        [LoggerMessage(2, LogLevel.Warning, "File {TenantId}/{FileId} was not transcribed: {Reason}")]
        public static partial void NotTranscribed(ILogger logger, string tenantId, string fileId, string reason);
    }
}
