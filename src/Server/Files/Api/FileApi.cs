using Atom.Sdk;
using Atom.Server.Files.Api.Internal;
using Atom.Server.Files.Blobs;
using Atom.Server.Files.Pipeline;
using Atom.Server.Files.Processing;
using Atom.Server.Files.Stores;
using Atom.Server.Files.Uploads;
using Atom.Server.Identity;
using Atom.Server.Identity.Api.Internal;
using Atom.Server.Identity.Authorization;
using Atom.Server.Jobs;
using Atom.Server.Rpc;
using Atom.Server.Storage;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Server.Files.Api;

/// <summary>
/// Implements atom.v1.FileService. Who sees a file: its owner, the members of the room it is shared in, and the
/// tenant's admins and owners; to anyone else it does not exist (NOT_FOUND). Only the uploader touches an upload.
/// Bytes are served only from files a virus scan found clean.
/// </summary>
/// <param name="service">Receiving uploads.</param>
/// <param name="files">The files.</param>
/// <param name="blobs">The files' bytes.</param>
/// <param name="references">Which blobs are still in use.</param>
/// <param name="jobs">Processing jobs, shown with each file.</param>
/// <param name="rooms">Room roles, from the rooms.</param>
/// <param name="readers">Who may read a file.</param>
/// <param name="changes">Processing progress, for WatchFile.</param>
/// <param name="audit">The audit log.</param>
internal sealed class FileApi(
    UploadService service,
    FileStore files,
    IBlobStore blobs,
    BlobReferences references,
    JobQueue jobs,
    IRoomAccess rooms,
    FileReaders readers,
    FileChanges changes,
    AuditLog audit) : FileServiceBase
{
    private const int DownloadChunkBytes = 256 * 1024;

    // How often WatchFile looks at the store when no change was announced on this node.
    private static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override async Task<UploadResponse> Upload(IAsyncStreamReader<UploadRequest> requests, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        if (!await requests.MoveNext(token))
        {
            throw AtomErrors.InvalidField("metadata", "the first message must carry the metadata (or resume_upload_id); the stream was empty.");
        }

        var upload = requests.Current.KindCase switch
        {
            UploadRequest.KindOneofCase.Metadata => await BeginAsync(caller, requests.Current.Metadata, "metadata", token),
            UploadRequest.KindOneofCase.ResumeUploadId => await service.GetAsync(caller.TenantId, caller.PrincipalId, FileRules.Id("resume_upload_id", requests.Current.ResumeUploadId), token),
            _ => throw AtomErrors.InvalidField("metadata", "the first message must carry the metadata (or resume_upload_id), not a chunk."),
        };

        while (await requests.MoveNext(token))
        {
            if (requests.Current.KindCase != UploadRequest.KindOneofCase.Chunk)
            {
                throw AtomErrors.InvalidField("chunk", "after the first message, every message must be a chunk.");
            }

            var chunk = requests.Current.Chunk;
            upload = await service.WriteChunkAsync(upload, chunk.Offset, chunk.Data.Memory, FileRules.Sha256("chunk.sha256", chunk.Sha256), "chunk", token);
        }

        var fileId = await service.CompleteAsync(upload, token);
        var file = await files.GetAsync(caller.TenantId, fileId, cancellationToken: token) ?? throw RpcErrors.NotFound("file", fileId);
        upload = await service.GetAsync(caller.TenantId, caller.PrincipalId, upload.Id, token);
        return new UploadResponse { File = await WithJobsAsync(file, token), Upload = upload.ToProto(service.Options) };
    }

    /// <inheritdoc />
    public override async Task<BeginUploadResponse> BeginUpload(BeginUploadRequest request, ServerCallContext context)
    {
        var upload = await BeginAsync(context.GetCaller(), request.Metadata ?? throw AtomErrors.InvalidField("metadata", "is required."), "metadata", context.CancellationToken);
        return new BeginUploadResponse { Upload = upload.ToProto(service.Options) };
    }

    /// <inheritdoc />
    public override async Task<UploadChunkResponse> UploadChunk(UploadChunkRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var upload = await service.GetAsync(caller.TenantId, caller.PrincipalId, FileRules.Id("upload_id", request.UploadId), context.CancellationToken);
        var chunk = request.Chunk ?? throw AtomErrors.InvalidField("chunk", "is required.");
        upload = await service.WriteChunkAsync(upload, chunk.Offset, chunk.Data.Memory, FileRules.Sha256("chunk.sha256", chunk.Sha256), "chunk", context.CancellationToken);
        return new UploadChunkResponse { Upload = upload.ToProto(service.Options) };
    }

    /// <inheritdoc />
    public override async Task<GetUploadStatusResponse> GetUploadStatus(GetUploadStatusRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var upload = await service.GetAsync(caller.TenantId, caller.PrincipalId, FileRules.Id("upload_id", request.UploadId), context.CancellationToken);
        return new GetUploadStatusResponse { Upload = upload.ToProto(service.Options) };
    }

    /// <inheritdoc />
    public override async Task<CompleteUploadResponse> CompleteUpload(CompleteUploadRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var upload = await service.GetAsync(caller.TenantId, caller.PrincipalId, FileRules.Id("upload_id", request.UploadId), context.CancellationToken);
        var fileId = await service.CompleteAsync(upload, context.CancellationToken);
        var file = await files.GetAsync(caller.TenantId, fileId, cancellationToken: context.CancellationToken) ?? throw RpcErrors.NotFound("file", fileId);
        return new CompleteUploadResponse { File = await WithJobsAsync(file, context.CancellationToken) };
    }

    /// <inheritdoc />
    public override async Task<CancelUploadResponse> CancelUpload(CancelUploadRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var upload = await service.GetAsync(caller.TenantId, caller.PrincipalId, FileRules.Id("upload_id", request.UploadId), context.CancellationToken);
        if (upload.State == UploadStatus.Completed)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"Upload {upload.Id} is completed: delete file {upload.FileId} instead.",
                AtomErrors.Info(ErrorReason.FailedPrecondition, ("file_id", upload.FileId ?? string.Empty)));
        }

        await service.AbandonAsync(upload, context.CancellationToken);
        return new CancelUploadResponse();
    }

    /// <inheritdoc />
    public override async Task Download(DownloadRequest request, IAsyncStreamWriter<DownloadResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var file = await VisibleAsync(caller, FileRules.Id("file_id", request.FileId), token);
        if (!file.IsServable)
        {
            throw new RpcException(StatusCode.FailedPrecondition,
                $"File {file.Id} cannot be downloaded: it is {FileMapping.State(file.State).ToString().ToLowerInvariant()}{(file.Problem.Length > 0 ? " (" + file.Problem + ")" : string.Empty)}.",
                AtomErrors.Info(ErrorReason.FileNotServable, ("state", FileMapping.State(file.State).ToString())));
        }

        if (request.Offset < 0 || request.Offset > file.Size)
        {
            throw AtomErrors.InvalidField("offset", $"must be between 0 and the file's size, {file.Size}.");
        }

        if (request.Length < 0)
        {
            throw AtomErrors.InvalidField("length", "must not be negative (0 means to the end).");
        }

        var length = request.Length == 0 ? file.Size - request.Offset : Math.Min(request.Length, file.Size - request.Offset);
        var first = new DownloadResponse { File = await WithJobsAsync(file, token), Offset = request.Offset };
        await using var content = await blobs.OpenReadAsync(file.Sha256, request.Offset, length, token);
        var buffer = new byte[(int)Math.Min(DownloadChunkBytes, Math.Max(length, 1))];
        var offset = request.Offset;
        var sent = false;
        while (true)
        {
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, token);
            if (read == 0 && sent)
            {
                break;
            }

            var message = sent ? new DownloadResponse { Offset = offset } : first;
            message.Data = ByteString.CopyFrom(buffer, 0, read);
            await responses.WriteAsync(message, token);
            sent = true;
            offset += read;
            if (read < buffer.Length)
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<GetFileResponse> GetFile(GetFileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var file = await VisibleAsync(caller, FileRules.Id("file_id", request.FileId), context.CancellationToken, withText: request.View == FileView.Full);
        return new GetFileResponse { File = await WithJobsAsync(file, context.CancellationToken) };
    }

    /// <inheritdoc />
    public override async Task<ListFilesResponse> ListFiles(ListFilesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        string? roomId = null;
        if (request.RoomId.Length > 0)
        {
            roomId = (await rooms.FindAsync(caller.TenantId, request.RoomId, caller.PrincipalId, token) ?? throw RpcErrors.NotFound("room", request.RoomId)).RoomId;
        }

        var ownerId = request.OwnerId.Length > 0 ? FileRules.Id("owner_id", request.OwnerId) : null;
        if (roomId is null && !IsTenantAdmin(caller))
        {
            if (ownerId is not null && ownerId != caller.PrincipalId)
            {
                throw new RpcException(StatusCode.PermissionDenied, "You can list your own files, or a room's (room_id); only tenant admins list other people's.",
                    AtomErrors.Info(ErrorReason.PermissionDenied));
            }

            ownerId = caller.PrincipalId;
        }

        if (request.CreatedAfter is not null && request.CreatedBefore is not null && request.CreatedAfter.ToDateTimeOffset() >= request.CreatedBefore.ToDateTimeOffset())
        {
            throw AtomErrors.InvalidField("created_before", "must be later than created_after.");
        }

        var filter = new FileFilter(roomId, ownerId, FileMapping.Category(request.Category), request.MediaType.Length > 0 ? FileRules.MediaType("media_type", request.MediaType) : null,
            FileMapping.State(request.State), request.CreatedAfter?.ToDateTimeOffset(), request.CreatedBefore?.ToDateTimeOffset());
        var page = await files.ListAsync(caller.TenantId, filter, new PageRequest(request.PageSize, request.PageToken), token);
        var response = new ListFilesResponse { NextPageToken = page.NextPageToken };
        response.Files.AddRange(page.Items.Select(f => f.ToProto()));
        return response;
    }

    /// <inheritdoc />
    public override async Task<UpdateFileResponse> UpdateFile(UpdateFileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var changes = request.File ?? throw AtomErrors.InvalidField("file", "is required.");
        var file = await VisibleAsync(caller, FileRules.Id("file.id", changes.Id), context.CancellationToken);
        if (file.OwnerId != caller.PrincipalId && !IsTenantAdmin(caller))
        {
            throw new RpcException(StatusCode.PermissionDenied, "Only the file's owner or a tenant admin may change it.", AtomErrors.Info(ErrorReason.PermissionDenied));
        }

        var paths = request.UpdateMask?.Paths ?? throw AtomErrors.InvalidField("update_mask", "name the fields to change: name, folder.");
        if (paths.Count == 0)
        {
            throw AtomErrors.InvalidField("update_mask", "name the fields to change: name, folder.");
        }

        string? name = null, folder = null;
        foreach (var path in paths)
        {
            switch (path)
            {
                case "name":
                    name = FileRules.Name("file.name", changes.Name);
                    break;
                case "folder":
                    folder = FileRules.Folder("file.folder", changes.Folder);
                    break;
                default:
                    throw AtomErrors.InvalidField("update_mask", $"'{path}' cannot be changed; only name and folder can.");
            }
        }

        var updated = await files.UpdateAsync(caller.TenantId, file.Id, name, folder, context.CancellationToken) ?? throw RpcErrors.NotFound("file", file.Id);
        return new UpdateFileResponse { File = await WithJobsAsync(updated, context.CancellationToken) };
    }

    /// <inheritdoc />
    public override async Task<DeleteFileResponse> DeleteFile(DeleteFileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var file = await VisibleAsync(caller, FileRules.Id("file_id", request.FileId), token);
        if (file.OwnerId != caller.PrincipalId && !IsTenantAdmin(caller)
            && !(file.RoomId.Length > 0 && await rooms.FindAsync(caller.TenantId, file.RoomId, caller.PrincipalId, token) is { CanModerate: true }))
        {
            throw new RpcException(StatusCode.PermissionDenied, "Only the file's owner, a moderator of its room or a tenant admin may delete it.", AtomErrors.Info(ErrorReason.PermissionDenied));
        }

        if (await files.DeleteAsync(caller.TenantId, file.Id, token) is { } deleted)
        {
            await references.ReleaseAsync(deleted.Sha256, token);
            await audit.AppendAsync(new AuditEvent(caller.TenantId, caller.PrincipalId, "file.deleted", file.Id, context.ClientAddress(),
                new Dictionary<string, string> { ["owner_id"] = file.OwnerId, ["name"] = file.Name, ["sha256"] = file.Sha256 }), token);
        }

        return new DeleteFileResponse();
    }

    /// <inheritdoc />
    public override async Task WatchFile(WatchFileRequest request, IAsyncStreamWriter<WatchFileResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var fileId = FileRules.Id("file_id", request.FileId);

        // Ask for the next change before each read, so a change committed between the read and the wait is not missed
        // (it would otherwise be seen only at the next poll).
        var next = changes.NextAsync(caller.TenantId, fileId);
        var file = await VisibleAsync(caller, fileId, token);
        DateTimeOffset? shown = null;
        while (true)
        {
            if (shown != file.UpdatedAt)
            {
                await responses.WriteAsync(new WatchFileResponse { File = await WithJobsAsync(file, token), Step = Step(file) }, token);
                shown = file.UpdatedAt;
            }

            if (file.State is not (FileStatus.Processing or FileStatus.PendingScan) && !IsTranscribing(file))
            {
                return;
            }

            await Task.WhenAny(next, Task.Delay(WatchPollInterval, token));
            token.ThrowIfCancellationRequested();
            next = changes.NextAsync(caller.TenantId, fileId);
            file = await files.GetAsync(caller.TenantId, fileId, cancellationToken: token) ?? throw RpcErrors.NotFound("file", fileId);
        }
    }

    private static bool IsTranscribing(FileRecord file) =>
        file.State == FileStatus.Ready && file.Metadata.TryGetValue(ContentMetadataKeys.Transcription, out var state) && state == TranscriptQueue.Pending;

    private static string Step(FileRecord file) => IsTranscribing(file) ? "ready; transcribing its speech" : file.State switch
    {
        FileStatus.Processing => "processing: type check, virus scan, text extraction",
        FileStatus.PendingScan => "waiting for the virus scanner",
        FileStatus.Ready => "ready",
        FileStatus.Quarantined => "quarantined: malware found",
        FileStatus.Rejected => "rejected",
        FileStatus.Unreadable => "stored, but its content could not be read",
        _ => "processing failed",
    };

    private static bool IsTenantAdmin(Caller caller) => FileReaders.IsTenantAdmin(caller);

    private async Task<UploadSession> BeginAsync(Caller caller, UploadMetadata metadata, string field, CancellationToken cancellationToken)
    {
        var name = FileRules.Name(field + ".name", metadata.Name);
        var declared = FileRules.MediaType(field + ".declared_type", metadata.DeclaredType);
        if (metadata.Size <= 0)
        {
            throw AtomErrors.InvalidField(field + ".size", "must be the file's size in bytes, at least 1.");
        }

        var sha256 = FileRules.Sha256(field + ".sha256", metadata.Sha256);
        var folder = FileRules.Folder(field + ".folder", metadata.Folder);
        if (metadata.RequestId.Length > 128 || metadata.RequestId.Any(char.IsControl))
        {
            throw AtomErrors.InvalidField(field + ".request_id", "must be at most 128 printable characters.");
        }

        var roomId = string.Empty;
        if (metadata.RoomId.Length > 0)
        {
            var grant = await rooms.FindAsync(caller.TenantId, metadata.RoomId, caller.PrincipalId, cancellationToken) ?? throw RpcErrors.NotFound("room", metadata.RoomId);
            if (!grant.CanShare)
            {
                throw new RpcException(StatusCode.PermissionDenied, "Sharing a file in this room needs the member room role (and the room must not be archived).",
                    AtomErrors.Info(ErrorReason.PermissionDenied, ("room_role", "member")));
            }

            roomId = grant.RoomId;
        }

        return await service.BeginAsync(new UploadSession(caller.TenantId, string.Empty, caller.PrincipalId, metadata.RequestId, name, declared, metadata.Size, sha256,
            roomId, folder, UploadStatus.Open, [], null, default, default), cancellationToken);
    }

    private async Task<FileRecord> VisibleAsync(Caller caller, string fileId, CancellationToken cancellationToken, bool withText = false) =>
        await readers.FindAsync(caller, fileId, withText, cancellationToken) ?? throw RpcErrors.NotFound("file", fileId);

    private async Task<Atom.V1.StoredFile> WithJobsAsync(FileRecord file, CancellationToken cancellationToken) =>
        file.ToProto(await jobs.ListBySubjectAsync(file.TenantId, file.Id, cancellationToken));
}
