using Atom.Server.Files.Blobs;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Scanning;
using Atom.Server.Files.Stores;
using Atom.Server.Files.Uploads;
using Atom.Server.Identity;
using Atom.Server.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Files.Pipeline;

/// <summary>
/// Processes a stored file, as a job: type, virus scan, archive limits, then text and metadata. Each step's
/// outcome is recorded as it happens, so WatchFile can show it. The scan comes before anything opens the content,
/// and a scanner that cannot be reached leaves the file waiting in "pending scan" (retried later, never served).
/// A recording is ready before it is transcribed: its transcription is marked pending, and <see cref="TranscriptProcessor"/>
/// follows.
/// </summary>
public sealed partial class FileProcessor(
    FileStore files,
    IBlobStore blobs,
    ContentTypeDetector detector,
    IVirusScanner scanner,
    ArchiveInspector archives,
    ContentExtractor extractor,
    IAudioTranscriber transcriber,
    FileChanges changes,
    AuditLog audit,
    IOptions<FilesOptions> options,
    TimeProvider time,
    ILogger<FileProcessor> logger) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => UploadService.ProcessJobKind;

    /// <inheritdoc />
    public async Task HandleAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var tenantId = lease.Job.TenantId;
        var fileId = lease.Job.Subject;
        var file = await files.GetAsync(tenantId, fileId, cancellationToken: cancellationToken);
        if (file is null)
        {
            return; // deleted before it was processed
        }

        try
        {
            await ProcessAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is not (JobRetryLaterException or OperationCanceledException) && lease.Job.Attempts >= lease.Job.MaxAttempts)
        {
            // The job is about to be given up: say so on the file rather than leave it "processing" for ever.
            await RecordAsync(file, new ProcessingOutcome(FileStatus.Failed, $"Processing gave up after {lease.Job.Attempts} attempts: {ex.Message}"), cancellationToken);
            throw;
        }
    }

    private async Task ProcessAsync(FileRecord file, CancellationToken cancellationToken)
    {
        var tenantId = file.TenantId;
        var fileId = file.Id;
        await using var content = await blobs.OpenFileAsync(file.Sha256, cancellationToken);

        // 1. Type, from the bytes.
        var type = await detector.DetectAsync(content.Path, cancellationToken);
        if (type is null && !options.Value.For(tenantId).AllowUnknownTypes)
        {
            await RecordAsync(file, new ProcessingOutcome(FileStatus.Rejected, "The content is not of a type this server accepts."), cancellationToken);
            return;
        }

        var typed = type is null ? new ProcessingOutcome(FileStatus.Processing) : new ProcessingOutcome(FileStatus.Processing)
        {
            MediaType = type.MediaType,
            TypeLabel = type.Label,
            Category = type.Category.ToString(),
        };

        // 2. Virus scan: nothing else reads the content before it.
        ScanVerdict verdict;
        try
        {
            await using var stream = File.OpenRead(content.Path);
            verdict = await scanner.ScanAsync(stream, cancellationToken);
        }
        catch (ScannerUnavailableException ex) when (ex.Failure == ScanFailure.TooLarge)
        {
            // clamd's own StreamMaxLength is below ours: retrying would fail the same way for ever, and unscanned is never served.
            await RecordAsync(file, typed with { State = FileStatus.Rejected, Problem = "Too large for the virus scanner, so it cannot be scanned and will never be served: " + ex.Message }, cancellationToken);
            return;
        }
        catch (ScannerUnavailableException ex)
        {
            Log.ScanPending(logger, tenantId, fileId, ex.Message);
            await RecordAsync(file, typed with { State = FileStatus.PendingScan, Problem = "Waiting for the virus scanner: " + ex.Message }, cancellationToken);
            throw new JobRetryLaterException(options.Value.ScanRetryDelay, "virus scanner unavailable: " + ex.Message);
        }

        var scan = new FileScanResult(verdict.Infected, verdict.Signature ?? string.Empty, verdict.Engine, time.GetUtcNow());
        if (verdict.Infected)
        {
            var problem = $"Malware found: {verdict.Signature}. The file is quarantined and will never be served.";
            await RecordAsync(file, typed with { State = FileStatus.Quarantined, Problem = problem, Scan = scan }, cancellationToken);
            await audit.AppendAsync(new AuditEvent(tenantId, "system", "file.quarantined", fileId, Detail: new Dictionary<string, string>
            {
                ["owner_id"] = file.OwnerId,
                ["signature"] = verdict.Signature ?? string.Empty,
                ["sha256"] = file.Sha256,
                ["name"] = file.Name,
            }), cancellationToken);
            return;
        }

        if (type is null)
        {
            await RecordAsync(file, typed with { State = FileStatus.Ready, Scan = scan }, cancellationToken);
            return;
        }

        // 3. Archives (and Office files, which are zips) within limits; 4. text and metadata.
        try
        {
            if (type.Category == FileCategory.Archive)
            {
                archives.Inspect(content.Path);
            }

            var extracted = await extractor.ExtractAsync(content.Path, type, cancellationToken);
            var metadata = extracted.Metadata;
            if (type.Category == FileCategory.Audio && transcriber.IsAvailable)
            {
                metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal) { [ContentMetadataKeys.Transcription] = TranscriptQueue.Pending };
            }

            await RecordAsync(file, typed with
            {
                State = FileStatus.Ready,
                Scan = scan,
                Metadata = metadata,
                Text = extracted.Text,
                TextTruncated = extracted.Truncated,
            }, cancellationToken);
        }
        catch (UnsafeContentException ex)
        {
            await RecordAsync(file, typed with { State = FileStatus.Rejected, Problem = ex.Message, Scan = scan }, cancellationToken);
        }
        catch (CorruptContentException ex)
        {
            await RecordAsync(file, typed with { State = FileStatus.Unreadable, Problem = ex.Message, Scan = scan }, cancellationToken);
        }
    }

    private async Task RecordAsync(FileRecord file, ProcessingOutcome outcome, CancellationToken cancellationToken)
    {
        await files.RecordAsync(file.TenantId, file.Id, outcome, cancellationToken);
        changes.Changed(file.TenantId, file.Id);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "File {TenantId}/{FileId} waits for the virus scanner: {Reason}")]
        public static partial void ScanPending(ILogger logger, string tenantId, string fileId, string reason);
    }
}
