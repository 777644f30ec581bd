using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Files.Api.Internal;

/// <summary>Files and uploads as the contract shows them.</summary>
internal static class FileMapping
{
    public static V1.StoredFile ToProto(this FileRecord file, IEnumerable<Atom.Server.Jobs.JobRecord>? jobs = null)
    {
        var proto = new V1.StoredFile
        {
            Id = file.Id,
            Name = file.Name,
            Folder = file.Folder,
            RoomId = file.RoomId,
            OwnerId = file.OwnerId,
            Size = file.Size,
            Sha256 = file.Sha256,
            DeclaredType = file.DeclaredType,
            MediaType = file.MediaType,
            TypeLabel = file.TypeLabel,
            Category = Category(file.Category),
            State = State(file.State),
            Problem = file.Problem,
            Text = file.Text ?? string.Empty,
            TextLength = file.TextLength,
            TextTruncated = file.TextTruncated,
            CreateTime = Timestamp.FromDateTimeOffset(file.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(file.UpdatedAt),
            ProcessedTime = file.ProcessedAt is { } processed ? Timestamp.FromDateTimeOffset(processed) : null,
        };
        if (file.Scan is { } scan)
        {
            proto.Scan = new V1.FileScan
            {
                Verdict = scan.Infected ? V1.ScanVerdict.Infected : V1.ScanVerdict.Clean,
                Signature = scan.Signature,
                Engine = scan.Engine,
                ScanTime = Timestamp.FromDateTimeOffset(scan.ScannedAt),
            };
        }

        foreach (var (key, value) in file.Metadata)
        {
            proto.Metadata[key] = value;
        }

        foreach (var job in jobs ?? [])
        {
            proto.Jobs.Add(new V1.ProcessingJob
            {
                Kind = job.Kind,
                State = job.State.ToString().ToLowerInvariant(),
                Attempts = job.Attempts,
                MaxAttempts = job.MaxAttempts,
                LastError = job.LastError ?? string.Empty,
                RunTime = job.State == Atom.Server.Jobs.JobState.Queued ? Timestamp.FromDateTimeOffset(job.RunAfter) : null,
            });
        }

        return proto;
    }

    public static V1.Upload ToProto(this UploadSession upload, FilesOptions options)
    {
        var proto = new V1.Upload
        {
            Id = upload.Id,
            Metadata = new V1.UploadMetadata
            {
                Name = upload.Name,
                DeclaredType = upload.DeclaredType,
                Size = upload.Size,
                Sha256 = upload.Sha256,
                RoomId = upload.RoomId,
                Folder = upload.Folder,
                RequestId = upload.RequestId,
            },
            State = upload.State switch
            {
                UploadStatus.Open => V1.UploadState.Open,
                UploadStatus.Completed => V1.UploadState.Completed,
                UploadStatus.Cancelled => V1.UploadState.Cancelled,
                _ => V1.UploadState.Expired,
            },
            CommittedBytes = upload.CommittedBytes,
            ChunkSize = options.ChunkSize,
            MaxChunkSize = options.MaxChunkBytes,
            ExpireTime = Timestamp.FromDateTimeOffset(upload.ExpiresAt),
            FileId = upload.FileId ?? string.Empty,
        };
        proto.Committed.AddRange(upload.Committed.Select(r => new V1.ByteRange { Offset = r.Offset, Length = r.Length }));
        return proto;
    }

    public static V1.FileState State(FileStatus state) => state switch
    {
        FileStatus.Processing => V1.FileState.Processing,
        FileStatus.PendingScan => V1.FileState.PendingScan,
        FileStatus.Ready => V1.FileState.Ready,
        FileStatus.Quarantined => V1.FileState.Quarantined,
        FileStatus.Rejected => V1.FileState.Rejected,
        FileStatus.Unreadable => V1.FileState.Unreadable,
        _ => V1.FileState.Failed,
    };

    public static FileStatus? State(V1.FileState state) => state switch
    {
        V1.FileState.Processing => FileStatus.Processing,
        V1.FileState.PendingScan => FileStatus.PendingScan,
        V1.FileState.Ready => FileStatus.Ready,
        V1.FileState.Quarantined => FileStatus.Quarantined,
        V1.FileState.Rejected => FileStatus.Rejected,
        V1.FileState.Unreadable => FileStatus.Unreadable,
        V1.FileState.Failed => FileStatus.Failed,
        _ => null,
    };

    public static V1.FileCategory Category(string category) =>
        System.Enum.TryParse<Processing.FileCategory>(category, out var parsed) ? (V1.FileCategory)((int)parsed + 1) : V1.FileCategory.Unspecified;

    public static string? Category(V1.FileCategory category) =>
        category == V1.FileCategory.Unspecified ? null : ((Processing.FileCategory)((int)category - 1)).ToString();
}
