using System.Collections.Concurrent;
using System.Security.Cryptography;
using Atom.Server.Files.Blobs;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Stores;
using Atom.Server.Jobs;
using Atom.Server.Storage;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.V1;
using Microsoft.Extensions.Options;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Files.Uploads;

/// <summary>
/// Receiving files, the same way for both upload paths (the client stream and the browser's unary calls): begin
/// (limits and quota checked before any byte), chunks at any offset (checksummed, compared where they overlap,
/// flushed before they count), and completion (whole-file checksum and type checked, then the file, its blob and
/// its processing job committed together).
/// </summary>
public sealed class UploadService(
    UploadStore uploads,
    UploadStaging staging,
    ContentTypeDetector detector,
    IBlobStore blobs,
    BlobReferences references,
    JobQueue jobs,
    IOptions<FilesOptions> options,
    TimeProvider time)
{
    /// <summary>The job kind that processes a stored file.</summary>
    public const string ProcessJobKind = "files.process";

    // One chunk at a time per upload on this node: overlapping chunks are compared with what is staged, which
    // must not change underneath the comparison.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _uploadLocks = new(StringComparer.Ordinal);

    /// <summary>Gets the file options.</summary>
    public FilesOptions Options { get; } = options.Value;

    /// <summary>Begins an upload (or answers with the one a retried request began).</summary>
    /// <param name="upload">The validated upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload.</returns>
    public async Task<UploadSession> BeginAsync(UploadSession upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var policy = Options.For(upload.TenantId);
        if (upload.Size > policy.MaxFileBytes)
        {
            throw new RpcException(StatusCode.InvalidArgument,
                $"metadata.size: {upload.Size} bytes is more than the {policy.MaxFileBytes} bytes a file may have here.",
                AtomErrors.Info(ErrorReason.FileTooLarge, ("limit_bytes", Invariant(policy.MaxFileBytes)), ("size_bytes", Invariant(upload.Size))),
                new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "metadata.size", Description = $"at most {policy.MaxFileBytes} bytes." } } });
        }

        try
        {
            return await uploads.BeginAsync(upload, policy.UserQuotaBytes, Options.UploadLifetime, cancellationToken);
        }
        catch (QuotaExceededException quota)
        {
            throw new RpcException(StatusCode.ResourceExhausted, quota.Message,
                AtomErrors.Info(ErrorReason.QuotaExceeded, ("quota_bytes", Invariant(quota.QuotaBytes)), ("used_bytes", Invariant(quota.UsedBytes)), ("size_bytes", Invariant(quota.SizeBytes))),
                new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = "user:" + upload.OwnerId, Description = quota.Message } } });
        }
    }

    /// <summary>Gets an open (or completed) upload of the owner, or fails precisely.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="ownerId">Who asks: only the uploader may touch an upload.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload.</returns>
    public async Task<UploadSession> GetAsync(string tenantId, string ownerId, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await uploads.GetAsync(tenantId, uploadId, cancellationToken);
        return upload is not null && upload.OwnerId == ownerId ? upload : throw Rpc.RpcErrors.NotFound("upload", uploadId);
    }

    /// <summary>Stores a chunk: checks it, compares it with any bytes it overlaps, flushes it, records it.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="offset">Where the bytes go.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="sha256">Their SHA-256 as the client computed it; empty to skip the check.</param>
    /// <param name="field">The request field that holds the chunk, for errors.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload after it.</returns>
    public async Task<UploadSession> WriteChunkAsync(UploadSession upload, long offset, ReadOnlyMemory<byte> data, string sha256, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        EnsureOpen(upload);
        if (offset < 0)
        {
            throw AtomErrors.InvalidField(field + ".offset", "must not be negative.");
        }

        if (data.Length == 0)
        {
            throw AtomErrors.InvalidField(field + ".data", "is empty.");
        }

        if (data.Length > Options.MaxChunkBytes)
        {
            throw AtomErrors.InvalidField(field + ".data", $"{data.Length} bytes is more than the {Options.MaxChunkBytes} a chunk may hold.");
        }

        if (offset + data.Length > upload.Size)
        {
            throw AtomErrors.InvalidField(field + ".offset", $"bytes {offset}..{offset + data.Length - 1} run past the declared size of {upload.Size} bytes.");
        }

        if (sha256.Length > 0)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(data.Span));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(StatusCode.InvalidArgument,
                    $"{field}.sha256: the bytes at offset {offset} do not match their checksum (expected {sha256}, got {actual}); nothing was stored: resend them.",
                    AtomErrors.Info(ErrorReason.ChecksumMismatch, ("resend_offset", Invariant(offset)), ("expected_sha256", sha256), ("actual_sha256", actual)),
                    new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field + ".sha256", Description = "does not match the bytes." } } });
            }
        }

        var gate = _uploadLocks.GetOrAdd(LockKey(upload), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Re-read under the lock: another chunk may have landed since the caller read the upload.
            upload = await uploads.GetAsync(upload.TenantId, upload.Id, cancellationToken) ?? throw Rpc.RpcErrors.NotFound("upload", upload.Id);
            EnsureOpen(upload);
            var end = offset + data.Length;
            var covered = 0L;
            foreach (var (start, length) in upload.Committed)
            {
                var from = Math.Max(start, offset);
                var to = Math.Min(start + length, end);
                if (from >= to)
                {
                    continue;
                }

                var staged = new byte[to - from];
                var read = await staging.ReadAsync(upload.TenantId, upload.Id, from, staged, cancellationToken);
                if (read != staged.Length || !staged.AsSpan().SequenceEqual(data.Span.Slice((int)(from - offset), (int)(to - from))))
                {
                    throw new RpcException(StatusCode.FailedPrecondition,
                        $"{field}: bytes {from}..{to - 1} differ from the bytes already stored there; an upload's bytes cannot change. Cancel it and upload again.",
                        AtomErrors.Info(ErrorReason.ChunkConflict, ("conflict_offset", Invariant(from)), ("conflict_length", Invariant(to - from))));
                }

                covered += to - from;
            }

            if (covered == data.Length)
            {
                return upload; // a retry of bytes already stored: nothing to write
            }

            await staging.WriteAsync(upload.TenantId, upload.Id, offset, data, cancellationToken);
            var chunkSha = sha256.Length > 0 ? sha256.ToLowerInvariant() : Convert.ToHexStringLower(SHA256.HashData(data.Span));
            return await uploads.AddChunkAsync(upload.TenantId, upload.Id, new StoredChunk(offset, data.Length, chunkSha), cancellationToken)
                ?? throw Expired(upload.Id);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Completes an upload into a file; a completed upload answers with its file again.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file's id.</returns>
    public async Task<string> CompleteAsync(UploadSession upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.State == UploadStatus.Completed && upload.FileId is { } done)
        {
            return done;
        }

        EnsureOpen(upload);
        if (upload.FirstMissing is { } missing)
        {
            throw new RpcException(StatusCode.FailedPrecondition,
                $"Bytes {missing.Offset}..{missing.Offset + missing.Length - 1} of {upload.Size} have not arrived; send them, then complete the upload.",
                AtomErrors.Info(ErrorReason.UploadIncomplete, ("missing_offset", Invariant(missing.Offset)), ("missing_length", Invariant(missing.Length))));
        }

        var path = staging.PathOf(upload.TenantId, upload.Id);
        var sha256 = await staging.HashAsync(upload.TenantId, upload.Id, upload.Size, cancellationToken);
        if (upload.Sha256.Length > 0 && !string.Equals(sha256, upload.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            await AbandonAsync(upload, cancellationToken);
            throw new RpcException(StatusCode.InvalidArgument,
                $"metadata.sha256: the file's bytes hash to {sha256}, not the declared {upload.Sha256}. The upload was cancelled: upload the file again.",
                AtomErrors.Info(ErrorReason.ChecksumMismatch, ("expected_sha256", upload.Sha256), ("actual_sha256", sha256), ("resend_offset", "0")));
        }

        var detected = await detector.DetectAsync(path, cancellationToken);
        if (detected is null && !Options.For(upload.TenantId).AllowUnknownTypes)
        {
            await AbandonAsync(upload, cancellationToken);
            throw new RpcException(StatusCode.InvalidArgument,
                $"The content is not of a type this server accepts ({string.Join(", ", ContentTypeDetector.Known.Select(k => k.Label).Distinct())}). The upload was cancelled.",
                AtomErrors.Info(ErrorReason.TypeNotAllowed, ("detected_type", "unknown")));
        }

        if (detected is not null && !ContentTypeDetector.Agrees(detected, upload.DeclaredType))
        {
            await AbandonAsync(upload, cancellationToken);
            throw new RpcException(StatusCode.InvalidArgument,
                $"metadata.declared_type: the file was declared {upload.DeclaredType}, but its content is {detected.Label} ({detected.MediaType}). The upload was cancelled.",
                AtomErrors.Info(ErrorReason.TypeMismatch, ("declared_type", upload.DeclaredType), ("detected_type", detected.MediaType)),
                new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "metadata.declared_type", Description = $"the content is {detected.MediaType}." } } });
        }

        var now = time.GetUtcNow();
        var file = new FileRecord(upload.TenantId, NewId(), upload.OwnerId, upload.Name, upload.Folder, upload.RoomId, upload.Size, sha256, upload.DeclaredType,
            detected?.MediaType ?? string.Empty, detected?.Label ?? string.Empty, detected?.Category.ToString() ?? string.Empty,
            FileStatus.Processing, string.Empty, null, new Dictionary<string, string>(), null, 0, false, now, now, null);

        // Stored before the transaction: the store hashes, writes and fsyncs the whole file, which can take seconds on a busy
        // disk, and SQLite's write lock would be held all that while. The staged bytes stay until the commit, for a retry;
        // a commit that fails leaves a blob nobody refers to, which the next release of that content removes.
        await blobs.PutFileAsync(staging.HandOff(upload.TenantId, upload.Id), sha256, cancellationToken);
        var fileId = await uploads.CompleteAsync(upload, file, async (c, t) =>
        {
            await references.HoldAsync(c, t, sha256);

            // Between the put and the hold, the deletion of another file with this content may have released the blob.
            if (await blobs.GetInfoAsync(sha256, cancellationToken) is null)
            {
                await blobs.PutFileAsync(staging.HandOff(upload.TenantId, upload.Id), sha256, cancellationToken);
            }

            await jobs.EnqueueAsync(c, t, upload.TenantId, ProcessJobKind, file.Id, string.Empty, cancellationToken);
        }, cancellationToken) ?? throw Expired(upload.Id);
        staging.Delete(upload.TenantId, upload.Id);
        _uploadLocks.TryRemove(LockKey(upload), out _);
        return fileId;
    }

    /// <summary>Ends an upload and frees its staged bytes.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task AbandonAsync(UploadSession upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        await uploads.EndAsync(upload.TenantId, upload.Id, UploadStatus.Cancelled, cancellationToken);
        staging.Delete(upload.TenantId, upload.Id);
        _uploadLocks.TryRemove(LockKey(upload), out _);
    }

    private void EnsureOpen(UploadSession upload)
    {
        if (upload.State != UploadStatus.Open || upload.ExpiresAt <= time.GetUtcNow())
        {
            throw upload.State == UploadStatus.Completed
                ? new RpcException(StatusCode.FailedPrecondition, $"Upload {upload.Id} is already completed (file {upload.FileId}).", AtomErrors.Info(ErrorReason.FailedPrecondition, ("file_id", upload.FileId ?? string.Empty)))
                : Expired(upload.Id);
        }
    }

    private static RpcException Expired(string uploadId) =>
        new(StatusCode.FailedPrecondition, $"Upload {uploadId} was cancelled or expired, and its bytes are gone: start a new upload.", AtomErrors.Info(ErrorReason.UploadExpired, ("upload_id", uploadId)));

    private static string LockKey(UploadSession upload) => upload.TenantId + "/" + upload.Id;

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
