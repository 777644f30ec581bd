using System.Globalization;
using Atom.Cli.Calls;
using Atom.Cli.Chat;
using Atom.Cli.Profiles;
using Atom.Sdk;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Cli.Files;

/// <summary>Where uploaded files go and what they claim to be.</summary>
/// <param name="RoomId">The room they are shared in, or empty for personal files.</param>
/// <param name="Folder">The owner's folder, or empty.</param>
/// <param name="DeclaredType">The media type claimed, or empty to let the server detect it.</param>
internal sealed record UploadTarget(string RoomId, string Folder, string DeclaredType);

/// <summary>
/// Uploads one file so that an interruption loses nothing and no byte the server has is sent again. The size and
/// checksum come first; BeginUpload then checks the limits and quota before any byte is sent, and the upload is
/// remembered in the <see cref="UploadJournal"/>; the bytes the server does not have yet go over the Upload client
/// stream (resume_upload_id, then chunks of the server's chunk size with their checksums), which completes it.
/// A dropped connection is retried with backoff, a chunk that arrived damaged is sent again, and an upload remembered
/// from an interrupted run continues from the ranges the server committed; one that expired starts over.
/// </summary>
/// <param name="context">Settings, stderr and Ctrl+C.</param>
/// <param name="invoker">The connection.</param>
/// <param name="journal">Where begun uploads are remembered.</param>
internal sealed class FileUpload(CliContext context, CallInvoker invoker, UploadJournal journal)
{
    // Damaged chunks (CHECKSUM_MISMATCH) or missing ranges (UPLOAD_INCOMPLETE) in one run: more means something
    // between here and the server corrupts data, and sending it again will not help.
    private const int MaxResends = 3;

    // Uploads that expired or were cancelled under this run: begun again, but not for ever.
    private const int MaxRestarts = 2;

    private const int DefaultChunkBytes = 1024 * 1024;

    private readonly FileServiceClient _client = new(invoker);
    private readonly Dictionary<string, UploadKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Uploads a file.</summary>
    /// <param name="path">The file's absolute path.</param>
    /// <param name="target">Where it goes.</param>
    /// <returns>The stored file, as the upload left it (processing has begun on the server).</returns>
    /// <exception cref="RpcException">The server refused the file, or could not be reached for too long; see <see cref="IsRemembered"/>.</exception>
    /// <exception cref="IOException">The file could not be read, or shrank while it was sent.</exception>
    public async Task<StoredFile> RunAsync(string path, UploadTarget target)
    {
        var token = context.CancellationToken;
        var name = Path.GetFileName(path);
        long size;
        string sha256;
        using (var hashing = ProgressBar.OnStandardError(context, "checksum " + name, new FileInfo(path).Length))
        {
            (size, sha256) = await Checksums.OfFileAsync(path, hashing.Report, token).ConfigureAwait(false);
        }

        var key = new UploadKey(ProfileStore.NormalizeServer(context.Settings.Server), path, size, sha256, target.RoomId, target.Folder, target.DeclaredType);
        _keys[path] = key;
        try
        {
            return await TransferAsync(key, name).ConfigureAwait(false);
        }
        catch (Exception e) when (!CanResume(e))
        {
            // The server refused the file (or cancelled the upload itself): a run of the same command would fail the same way.
            journal.Forget(key);
            throw;
        }
    }

    /// <summary>Gets whether an upload of a file that did not finish is remembered, so running the same command again resumes it.</summary>
    /// <param name="path">The file's absolute path, as given to <see cref="RunAsync"/>.</param>
    /// <returns>True when it is.</returns>
    public bool IsRemembered(string path) => _keys.TryGetValue(path, out var key) && journal.Find(key) is not null;

    private async Task<StoredFile> TransferAsync(UploadKey key, string name)
    {
        var token = context.CancellationToken;
        var (path, size) = (key.Path, key.Size);
        using var bar = ProgressBar.OnStandardError(context, name, size);
        var backoff = Reconnection.Bounded;
        var requestId = Guid.NewGuid().ToString();
        var (resends, restarts) = (0, 0);
        var committed = -1L;
        RpcException? damaged = null;

        // A remembered upload is asked about first; 'resuming' says the answer is the one to report.
        var upload = journal.Find(key) is { } pending ? new Upload { Id = pending.UploadId } : null;
        var refresh = upload is not null;
        var resuming = refresh;
        while (true)
        {
            try
            {
                if (refresh && upload is not null)
                {
                    refresh = false;
                    var status = await StatusAsync(upload.Id).ConfigureAwait(false);
                    if (status is { State: UploadState.Open or UploadState.Completed })
                    {
                        if (resuming && status.State == UploadState.Open)
                        {
                            bar.Note($"resuming {name} at {Display.Bytes(status.CommittedBytes)} of {Display.Bytes(size)}");
                        }
                        else if (damaged is not null)
                        {
                            var what = damaged.HasReason(ErrorReason.ChecksumMismatch)
                                ? $"got the bytes at offset {damaged.InfoValue("resend_offset")} damaged"
                                : $"is missing the bytes at offset {damaged.InfoValue("missing_offset")}";
                            bar.Note($"warning: {name}: the server {what}; sending them again ({resends} of {MaxResends})");
                        }

                        (upload, damaged) = (status, null);
                    }
                    else if (damaged?.HasReason(ErrorReason.ChecksumMismatch) == true)
                    {
                        // The whole file's checksum failed at completion, and the server cancelled the upload: the
                        // bytes read now are not those hashed at the start.
                        journal.Forget(key);
                        bar.Note($"{name} changed while it was being uploaded; upload it again once it has stopped changing.");
                        throw damaged;
                    }
                    else
                    {
                        journal.Forget(key);
                        if (++restarts > MaxRestarts)
                        {
                            throw new RpcException(new Status(StatusCode.Aborted, $"the upload of {name} expired {restarts - 1} times while it ran; giving up."));
                        }

                        bar.Note($"the upload of {name} begun earlier has expired or was cancelled on the server; starting over");
                        (upload, requestId) = (null, Guid.NewGuid().ToString());
                    }

                    resuming = false;
                }

                upload ??= await BeginAsync(key, name, requestId).ConfigureAwait(false);
                if (upload.CommittedBytes > committed)
                {
                    // The server gained bytes since the last attempt: the connection works, whatever dropped before.
                    committed = upload.CommittedBytes;
                    backoff.Succeeded();
                }

                var file = upload.State == UploadState.Completed
                    ? (await _client.GetFileAsync(new GetFileRequest { FileId = upload.FileId }, context.CallOptions()).ConfigureAwait(false)).File
                    : await SendAsync(upload, path, size, bar).ConfigureAwait(false);
                journal.Forget(key);
                return file ?? throw new RpcException(new Status(StatusCode.Internal, $"the server answered the upload of {name} without the stored file."));
            }
            catch (RpcException e) when (Reconnection.IsDrop(e, token.IsCancellationRequested) && backoff.TryNextDelay(out var delay))
            {
                bar.Note(string.Create(CultureInfo.InvariantCulture,
                    $"warning: {name}: {StatusCodeNames.Of(e.StatusCode)}: {e.Status.Detail}; retrying in {delay.TotalSeconds:0.0}s ({backoff.Attempts} of {backoff.Limit})"));
                await Task.Delay(delay, token).ConfigureAwait(false);
                refresh = true;
            }
            catch (RpcException e) when ((e.HasReason(ErrorReason.ChecksumMismatch) || e.HasReason(ErrorReason.UploadIncomplete)) && upload is not null && ++resends <= MaxResends)
            {
                // A damaged chunk leaves the upload open, to send again; a whole file that does not match its checksum
                // makes the server cancel it. Only the upload's state tells them apart: the refresh reads it.
                damaged = e;
                refresh = true;
            }
            catch (RpcException e) when (upload is not null && IsGone(e))
            {
                // The upload itself is gone (it expired, or resume_upload_id names nothing): the refresh starts over.
                refresh = true;
            }
        }
    }

    /// <summary>Gets the byte ranges of a file the server does not have yet.</summary>
    /// <param name="committed">The ranges it has, in any order, possibly overlapping.</param>
    /// <param name="size">The file's size.</param>
    /// <returns>The missing ranges, ascending.</returns>
    internal static IEnumerable<(long Offset, long Length)> Missing(IEnumerable<ByteRange> committed, long size)
    {
        var next = 0L;
        foreach (var range in committed.OrderBy(r => r.Offset))
        {
            if (range.Offset > next)
            {
                yield return (next, Math.Min(range.Offset, size) - next);
            }

            next = Math.Max(next, range.Offset + range.Length);
            if (next >= size)
            {
                yield break;
            }
        }

        if (next < size)
        {
            yield return (next, size - next);
        }
    }

    private async Task<Upload> BeginAsync(UploadKey key, string name, string requestId)
    {
        // The request id makes a retry after a lost answer find the upload the first attempt began.
        var response = await _client.BeginUploadAsync(new BeginUploadRequest
        {
            Metadata = new UploadMetadata
            {
                Name = name,
                DeclaredType = key.DeclaredType,
                Size = key.Size,
                Sha256 = key.Sha256,
                RoomId = key.RoomId,
                Folder = key.Folder,
                RequestId = requestId,
            },
        }, context.CallOptions()).ConfigureAwait(false);
        var upload = response.Upload ?? throw new RpcException(new Status(StatusCode.Internal, $"BeginUpload answered for {name} without an upload."));
        journal.Remember(new PendingUpload { Key = key, UploadId = upload.Id, BeginTime = DateTimeOffset.UtcNow, ExpireTime = upload.ExpireTime?.ToDateTimeOffset() });
        return upload;
    }

    /// <summary>Gets whether running the command again can pick up where a failure left off: Ctrl+C, an unreachable server, a deadline.</summary>
    private bool CanResume(Exception error) =>
        context.CancellationToken.IsCancellationRequested
        || error is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled };

    private static bool IsGone(RpcException error) =>
        error.HasReason(ErrorReason.UploadExpired) || (error.StatusCode == StatusCode.NotFound && error.InfoValue("resource_type") == "upload");

    /// <summary>Gets an upload's state, or null when the server no longer has it.</summary>
    private async Task<Upload?> StatusAsync(string uploadId)
    {
        try
        {
            return (await _client.GetUploadStatusAsync(new GetUploadStatusRequest { UploadId = uploadId }, context.CallOptions()).ConfigureAwait(false)).Upload;
        }
        catch (RpcException e) when (IsGone(e))
        {
            return null;
        }
    }

    private async Task<StoredFile?> SendAsync(Upload upload, string path, long size, ProgressBar bar)
    {
        var token = context.CancellationToken;
        var chunkBytes = upload.ChunkSize > 0 ? upload.ChunkSize : DefaultChunkBytes;
        if (upload.MaxChunkSize > 0)
        {
            chunkBytes = Math.Min(chunkBytes, upload.MaxChunkSize);
        }

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        using var call = _client.Upload(new CallOptions { Deadline = context.Settings.StreamDeadline(), CancellationToken = token });
        await call.RequestStream.WriteAsync(new UploadRequest { ResumeUploadId = upload.Id }, token).ConfigureAwait(false);
        var buffer = new byte[chunkBytes];
        var done = upload.CommittedBytes;
        bar.Restart(done);
        foreach (var (offset, length) in Missing(upload.Committed, size))
        {
            for (var position = offset; position < offset + length;)
            {
                var count = (int)Math.Min(chunkBytes, offset + length - position);
                await ReadExactlyAsync(file, buffer.AsMemory(0, count), position, path).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(new UploadRequest
                {
                    Chunk = new FileChunk { Offset = position, Data = ByteString.CopyFrom(buffer, 0, count), Sha256 = Checksums.Sha256(buffer.AsSpan(0, count)) },
                }, token).ConfigureAwait(false);
                position += count;
                done += count;
                bar.Report(done);
            }
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return (await call.ResponseAsync.WaitAsync(token).ConfigureAwait(false)).File;
    }

    private async Task ReadExactlyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, Memory<byte> buffer, long offset, string path)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(file, buffer[read..], offset + read, context.CancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"{path} shrank to {offset + read} bytes while it was being uploaded; upload it again once it has stopped changing.");
            }

            read += n;
        }
    }
}
