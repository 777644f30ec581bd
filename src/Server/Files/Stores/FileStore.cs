using System.Data.Common;
using System.Text;
using System.Text.Json;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Files.Stores;

/// <summary>
/// Stored files and what processing found in them. Files are made by <see cref="UploadStore.CompleteAsync"/>; this
/// store reads, lists, renames and deletes them, and records each processing outcome.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="observers">Told of each finished processing, rename, move and delete inside its transaction (search indexing).</param>
public sealed class FileStore(AtomDatabase database, TimeProvider time, IEnumerable<IFileChangeObserver>? observers = null)
{
    private readonly IFileChangeObserver[] _observers = [.. observers ?? []];

    private const string Columns =
        "tenant_id AS TenantId, id AS Id, owner_id AS OwnerId, name AS Name, folder AS Folder, room_id AS RoomId, size AS Size, sha256 AS Sha256, " +
        "declared_type AS DeclaredType, media_type AS MediaType, type_label AS TypeLabel, category AS Category, state AS State, problem AS Problem, " +
        "scan_verdict AS ScanVerdict, scan_signature AS ScanSignature, scan_engine AS ScanEngine, scanned_at AS ScannedAt, metadata AS Metadata, " +
        "length(text) AS TextLength, text_truncated AS TextTruncated, created_at AS CreatedAt, updated_at AS UpdatedAt, processed_at AS ProcessedAt";

    /// <summary>Gets a file.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="withText">Whether to read the extracted text too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or null when the tenant has no such file.</returns>
    public Task<FileRecord?> GetAsync(string tenantId, string fileId, bool withText = false, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, fileId, withText), cancellationToken);

    /// <summary>Lists files, newest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="filter">What to list.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<FileRecord>> ListAsync(string tenantId, FileFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var scope = "files";
        var after = PageToken.Decode(scope, page.PageToken);
        var size = page.EffectiveSize;
        var sql = new StringBuilder($"SELECT {Columns} FROM files WHERE tenant_id = @tenantId");
        var args = new DynamicParameters(new { tenantId, limit = size + 1 });
        Narrow(sql, args, "room_id", "roomId", filter.RoomId);
        Narrow(sql, args, "owner_id", "ownerId", filter.OwnerId);
        Narrow(sql, args, "category", "category", filter.Category);
        Narrow(sql, args, "media_type", "mediaType", filter.MediaType);
        Narrow(sql, args, "state", "state", filter.State is { } state ? StateName(state) : null);
        if (filter.CreatedAfter is { } from)
        {
            sql.Append(" AND created_at >= @from");
            args.Add("from", Ms(from));
        }

        if (filter.CreatedBefore is { } until)
        {
            sql.Append(" AND created_at < @until");
            args.Add("until", Ms(until));
        }

        if (after is not null)
        {
            var parts = after.Split('\n');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var afterTime))
            {
                throw new InvalidPageTokenException("is not a token this server issued.");
            }

            sql.Append(" AND (created_at < @afterTime OR (created_at = @afterTime AND id < @afterId))");
            args.Add("afterTime", afterTime);
            args.Add("afterId", parts[1]);
        }

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = (await c.QueryAsync<FileRow>(sql.ToString(), args, t)).Select(r => r.ToRecord(null)).ToList();
            return PageToken.ToPage(scope, rows, size, f => Ms(f.CreatedAt) + "\n" + f.Id);
        }, cancellationToken);
    }

    /// <summary>Gets those of <paramref name="fileIds"/> that are shared in a room, in one query.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="fileIds">The files.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The files found there, in no particular order.</returns>
    public Task<IReadOnlyList<FileRecord>> ListInRoomAsync(string tenantId, string roomId, IReadOnlyCollection<string> fileIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileIds);
        return fileIds.Count == 0
            ? Task.FromResult<IReadOnlyList<FileRecord>>([])
            : database.InTenantAsync<IReadOnlyList<FileRecord>>(tenantId, async (c, t) => (await c.QueryAsync<FileRow>(
                $"SELECT {Columns} FROM files WHERE tenant_id = @tenantId AND room_id = @roomId AND {InList(c, "id", "@ids")}",
                new { tenantId, roomId, ids = fileIds.ToArray() }, t)).Select(r => r.ToRecord(null)).ToList(), cancellationToken);
    }

    /// <summary>Renames or moves a file.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="name">The new name, or null to keep it.</param>
    /// <param name="folder">The new folder, or null to keep it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file as it now is, or null when there is no such file.</returns>
    public Task<FileRecord?> UpdateAsync(string tenantId, string fileId, string? name, string? folder, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync(
                "UPDATE files SET name = COALESCE(@name, name), folder = COALESCE(@folder, folder), updated_at = @now WHERE tenant_id = @tenantId AND id = @fileId",
                new { tenantId, fileId, name, folder, now = Ms(time.GetUtcNow()) }, t);
            await NotifyAsync(c, t, tenantId, fileId);
            return await ReadAsync(c, t, tenantId, fileId, withText: false);
        }, cancellationToken);

    /// <summary>Deletes a file's row; its blob is released by the caller (<see cref="BlobReferences"/>).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file as it was, or null when there was no such file.</returns>
    public Task<FileRecord?> DeleteAsync(string tenantId, string fileId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var file = await ReadAsync(c, t, tenantId, fileId, withText: false);
            if (file is not null)
            {
                await c.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenantId AND id = @fileId", new { tenantId, fileId }, t);
                await NotifyAsync(c, t, tenantId, fileId);
            }

            return file;
        }, cancellationToken);

    /// <summary>Records a step of processing: the state, and whatever of type, scan and content it learned.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="outcome">What changed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file as it now is, or null when it was deleted meanwhile.</returns>
    public Task<FileRecord?> RecordAsync(string tenantId, string fileId, ProcessingOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var now = time.GetUtcNow();
        var finished = outcome.State is not (FileStatus.Processing or FileStatus.PendingScan);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync(
                "UPDATE files SET state = @state, problem = @problem, updated_at = @now, processed_at = CASE WHEN @finished THEN @now ELSE processed_at END, " +
                "media_type = COALESCE(@mediaType, media_type), type_label = COALESCE(@typeLabel, type_label), category = COALESCE(@category, category), " +
                "scan_verdict = COALESCE(@verdict, scan_verdict), scan_signature = COALESCE(@signature, scan_signature), scan_engine = COALESCE(@engine, scan_engine), " +
                "scanned_at = COALESCE(@scannedAt, scanned_at), metadata = COALESCE(@metadata, metadata), text = COALESCE(@text, text), " +
                "text_truncated = COALESCE(@truncated, text_truncated) WHERE tenant_id = @tenantId AND id = @fileId",
                new
                {
                    tenantId,
                    fileId,
                    state = StateName(outcome.State),
                    problem = outcome.Problem ?? string.Empty,
                    now = Ms(now),
                    finished,
                    mediaType = outcome.MediaType,
                    typeLabel = outcome.TypeLabel,
                    category = outcome.Category,
                    verdict = outcome.Scan is null ? null : outcome.Scan.Infected ? "infected" : "clean",
                    signature = outcome.Scan?.Signature,
                    engine = outcome.Scan?.Engine,
                    scannedAt = Ms(outcome.Scan?.ScannedAt),
                    metadata = outcome.Metadata is null ? null : JsonSerializer.Serialize(outcome.Metadata),
                    text = outcome.Text,
                    truncated = outcome.TextTruncated,
                }, t);
            if (finished)
            {
                await NotifyAsync(c, t, tenantId, fileId);
            }

            return await ReadAsync(c, t, tenantId, fileId, withText: false);
        }, cancellationToken);
    }

    /// <summary>
    /// Records text found after processing finished (a recording's transcript): the text replaces the file's, the metadata
    /// is merged into its own, and readers are told. The file keeps its state; one that is no longer ready (deleted,
    /// reprocessed) is left as it is.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="text">The text.</param>
    /// <param name="truncated">Whether the text was cut.</param>
    /// <param name="metadata">Metadata to add or replace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file as it now is, or null when it is gone or not ready.</returns>
    public Task<FileRecord?> RecordTextAsync(string tenantId, string fileId, string text, bool truncated, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(metadata);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var file = await ReadAsync(c, t, tenantId, fileId, withText: false);
            if (file is null || file.State != FileStatus.Ready)
            {
                return null;
            }

            var merged = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal);
            foreach (var (key, value) in metadata)
            {
                merged[key] = value;
            }

            await c.ExecuteAsync(
                "UPDATE files SET text = @text, text_truncated = @truncated, metadata = @metadata, updated_at = @now WHERE tenant_id = @tenantId AND id = @fileId",
                new { tenantId, fileId, text, truncated, metadata = JsonSerializer.Serialize(merged), now = Ms(time.GetUtcNow()) }, t);
            await NotifyAsync(c, t, tenantId, fileId);
            return await ReadAsync(c, t, tenantId, fileId, withText: false);
        }, cancellationToken);
    }

    /// <summary>Sums the sizes of a user's files.</summary>
    internal static Task<long> UsedBytesAsync(DbConnection connection, DbTransaction transaction, string tenantId, string ownerId) =>
        connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(size), 0) FROM files WHERE tenant_id = @tenantId AND owner_id = @ownerId", new { tenantId, ownerId }, transaction);

    /// <summary>Inserts a file made from a completed upload.</summary>
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, FileRecord file) =>
        connection.ExecuteAsync(
            "INSERT INTO files (tenant_id, id, owner_id, name, folder, room_id, size, sha256, declared_type, state, created_at, updated_at) " +
            "VALUES (@TenantId, @Id, @OwnerId, @Name, @Folder, @RoomId, @Size, @Sha256, @DeclaredType, 'processing', @createdAt, @createdAt)",
            new { file.TenantId, file.Id, file.OwnerId, file.Name, file.Folder, file.RoomId, file.Size, file.Sha256, file.DeclaredType, createdAt = Ms(file.CreatedAt) }, transaction);

    internal static async Task<FileRecord?> ReadAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId, bool withText)
    {
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(
            $"SELECT {Columns}{(withText ? ", text AS Text" : string.Empty)} FROM files WHERE tenant_id = @tenantId AND id = @fileId", new { tenantId, fileId }, transaction);
        return row?.ToRecord(row.Text);
    }

    internal static string StateName(FileStatus state) => state switch
    {
        FileStatus.Processing => "processing",
        FileStatus.PendingScan => "pending_scan",
        FileStatus.Ready => "ready",
        FileStatus.Quarantined => "quarantined",
        FileStatus.Rejected => "rejected",
        FileStatus.Unreadable => "unreadable",
        _ => "failed",
    };

    private async Task NotifyAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId)
    {
        foreach (var observer in _observers)
        {
            await observer.FileChangedAsync(connection, transaction, tenantId, fileId);
        }
    }

    private static FileStatus ParseState(string name) => name switch
    {
        "processing" => FileStatus.Processing,
        "pending_scan" => FileStatus.PendingScan,
        "ready" => FileStatus.Ready,
        "quarantined" => FileStatus.Quarantined,
        "rejected" => FileStatus.Rejected,
        "unreadable" => FileStatus.Unreadable,
        _ => FileStatus.Failed,
    };

    private static void Narrow(StringBuilder sql, DynamicParameters args, string column, string parameter, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            sql.Append(" AND ").Append(column).Append(" = @").Append(parameter);
            args.Add(parameter, value);
        }
    }

    private sealed class FileRow
    {
        public string TenantId { get; init; } = string.Empty;

        public string Id { get; init; } = string.Empty;

        public string OwnerId { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public string Folder { get; init; } = string.Empty;

        public string RoomId { get; init; } = string.Empty;

        public long Size { get; init; }

        public string Sha256 { get; init; } = string.Empty;

        public string DeclaredType { get; init; } = string.Empty;

        public string MediaType { get; init; } = string.Empty;

        public string TypeLabel { get; init; } = string.Empty;

        public string Category { get; init; } = string.Empty;

        public string State { get; init; } = string.Empty;

        public string Problem { get; init; } = string.Empty;

        public string ScanVerdict { get; init; } = string.Empty;

        public string ScanSignature { get; init; } = string.Empty;

        public string ScanEngine { get; init; } = string.Empty;

        public long? ScannedAt { get; init; }

        public string Metadata { get; init; } = "{}";

        public long TextLength { get; init; }

        public string? Text { get; init; }

        public bool TextTruncated { get; init; }

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; init; }

        public long? ProcessedAt { get; init; }

        public FileRecord ToRecord(string? text) => new(
            TenantId, Id, OwnerId, Name, Folder, RoomId, Size, Sha256, DeclaredType, MediaType, TypeLabel, Category, ParseState(State), Problem,
            ScanVerdict.Length == 0 ? null : new FileScanResult(ScanVerdict == "infected", ScanSignature, ScanEngine, Time(ScannedAt ?? 0)),
            JsonSerializer.Deserialize<Dictionary<string, string>>(Metadata) ?? [],
            text, TextLength, TextTruncated, Time(CreatedAt), Time(UpdatedAt), Time(ProcessedAt));
    }
}

/// <summary>What a processing step learned about a file; null members leave the stored value as it is.</summary>
/// <param name="State">The file's new state.</param>
/// <param name="Problem">Why, when it is not fine; null clears it.</param>
public sealed record ProcessingOutcome(FileStatus State, string? Problem = null)
{
    /// <summary>Gets the detected media type.</summary>
    public string? MediaType { get; init; }

    /// <summary>Gets the detected type's short name.</summary>
    public string? TypeLabel { get; init; }

    /// <summary>Gets the detected category.</summary>
    public string? Category { get; init; }

    /// <summary>Gets the virus scan.</summary>
    public FileScanResult? Scan { get; init; }

    /// <summary>Gets the metadata found.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gets the extracted text.</summary>
    public string? Text { get; init; }

    /// <summary>Gets whether the text was cut.</summary>
    public bool? TextTruncated { get; init; }
}
