namespace Atom.Server.Files;

/// <summary>A stored file and what processing found in it.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Id">The id.</param>
/// <param name="OwnerId">Who uploaded it.</param>
/// <param name="Name">The file name.</param>
/// <param name="Folder">The owner's folder path.</param>
/// <param name="RoomId">The room it is shared in; empty for none.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">The content's SHA-256, lowercase hex: also its blob's address.</param>
/// <param name="DeclaredType">The media type the client declared.</param>
/// <param name="MediaType">The media type read from the content.</param>
/// <param name="TypeLabel">A short name of the type, e.g. PDF.</param>
/// <param name="Category">The kind of content (processing's <c>FileCategory</c> name), or empty.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Problem">Why it is quarantined, rejected, unreadable or failed.</param>
/// <param name="Scan">The virus scan, once made.</param>
/// <param name="Metadata">Metadata found in the content.</param>
/// <param name="Text">The extracted text; null when not read.</param>
/// <param name="TextLength">How many characters of text there are.</param>
/// <param name="TextTruncated">Whether the text was cut at the extraction limit.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ProcessedAt">When processing finished.</param>
public sealed record FileRecord(
    string TenantId,
    string Id,
    string OwnerId,
    string Name,
    string Folder,
    string RoomId,
    long Size,
    string Sha256,
    string DeclaredType,
    string MediaType,
    string TypeLabel,
    string Category,
    FileStatus State,
    string Problem,
    FileScanResult? Scan,
    IReadOnlyDictionary<string, string> Metadata,
    string? Text,
    long TextLength,
    bool TextTruncated,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ProcessedAt)
{
    /// <summary>Gets whether the bytes may be served: only content a scanner found clean.</summary>
    public bool IsServable => Scan is { Infected: false } && State is FileStatus.Ready or FileStatus.Unreadable or FileStatus.Failed;
}

/// <summary>Where a file stands.</summary>
public enum FileStatus
{
    /// <summary>Stored; being checked, scanned and read.</summary>
    Processing,

    /// <summary>Waiting for an unreachable virus scanner.</summary>
    PendingScan,

    /// <summary>Scanned clean and processed.</summary>
    Ready,

    /// <summary>Malware found.</summary>
    Quarantined,

    /// <summary>Refused: a type not accepted, or an archive past the limits.</summary>
    Rejected,

    /// <summary>Clean, but the content could not be read.</summary>
    Unreadable,

    /// <summary>Processing gave up.</summary>
    Failed,
}

/// <summary>A virus scan's outcome.</summary>
/// <param name="Infected">Whether malware was found.</param>
/// <param name="Signature">The signature found.</param>
/// <param name="Engine">The scanner and its version.</param>
/// <param name="ScannedAt">When.</param>
public sealed record FileScanResult(bool Infected, string Signature, string Engine, DateTimeOffset ScannedAt);

/// <summary>A resumable upload.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Id">The id.</param>
/// <param name="OwnerId">Who uploads.</param>
/// <param name="RequestId">The client's idempotency key; empty for none.</param>
/// <param name="Name">The file name.</param>
/// <param name="DeclaredType">The declared media type.</param>
/// <param name="Size">The declared size.</param>
/// <param name="Sha256">The declared SHA-256; empty for none.</param>
/// <param name="RoomId">The room; empty for none.</param>
/// <param name="Folder">The folder path.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Chunks">The chunks stored, by offset.</param>
/// <param name="FileId">The file, once completed.</param>
/// <param name="CreatedAt">When it began.</param>
/// <param name="ExpiresAt">When it expires if still open.</param>
public sealed record UploadSession(
    string TenantId,
    string Id,
    string OwnerId,
    string RequestId,
    string Name,
    string DeclaredType,
    long Size,
    string Sha256,
    string RoomId,
    string Folder,
    UploadStatus State,
    IReadOnlyList<StoredChunk> Chunks,
    string? FileId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Gets the stored byte ranges, merged and ascending.</summary>
    public IReadOnlyList<(long Offset, long Length)> Committed
    {
        get
        {
            var merged = new List<(long Offset, long Length)>();
            foreach (var chunk in Chunks.OrderBy(c => c.Offset))
            {
                if (merged.Count > 0 && merged[^1].Offset + merged[^1].Length >= chunk.Offset)
                {
                    var last = merged[^1];
                    merged[^1] = (last.Offset, Math.Max(last.Offset + last.Length, chunk.Offset + chunk.Length) - last.Offset);
                }
                else
                {
                    merged.Add((chunk.Offset, chunk.Length));
                }
            }

            return merged;
        }
    }

    /// <summary>Gets how many distinct bytes are stored.</summary>
    public long CommittedBytes => Committed.Sum(r => r.Length);

    /// <summary>Gets the first range not stored yet, or null when every byte is.</summary>
    public (long Offset, long Length)? FirstMissing
    {
        get
        {
            long next = 0;
            foreach (var (offset, length) in Committed)
            {
                if (offset > next)
                {
                    return (next, offset - next);
                }

                next = offset + length;
            }

            return next < Size ? (next, Size - next) : null;
        }
    }
}

/// <summary>Where an upload stands.</summary>
public enum UploadStatus
{
    /// <summary>Receiving bytes.</summary>
    Open,

    /// <summary>Completed into a file.</summary>
    Completed,

    /// <summary>Cancelled by the client.</summary>
    Cancelled,

    /// <summary>Not completed in time.</summary>
    Expired,
}

/// <summary>A chunk of an upload whose bytes are safely in the staging file.</summary>
/// <param name="Offset">Where it starts.</param>
/// <param name="Length">How many bytes.</param>
/// <param name="Sha256">The bytes' SHA-256.</param>
public sealed record StoredChunk(long Offset, long Length, string Sha256);

/// <summary>What a file list is narrowed to.</summary>
/// <param name="RoomId">Only files of this room.</param>
/// <param name="OwnerId">Only files of this owner.</param>
/// <param name="Category">Only this category.</param>
/// <param name="MediaType">Only this media type.</param>
/// <param name="State">Only this state.</param>
/// <param name="CreatedAfter">Only files stored at or after this.</param>
/// <param name="CreatedBefore">Only files stored before this.</param>
public sealed record FileFilter(
    string? RoomId = null,
    string? OwnerId = null,
    string? Category = null,
    string? MediaType = null,
    FileStatus? State = null,
    DateTimeOffset? CreatedAfter = null,
    DateTimeOffset? CreatedBefore = null);
