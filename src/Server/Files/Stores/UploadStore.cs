using System.Data.Common;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Files.Stores;

/// <summary>
/// Resumable uploads and the chunks they hold. A chunk is recorded only after its bytes are flushed to the
/// staging file (<see cref="Uploads.UploadStaging"/>), so the rows never claim bytes a crash could have lost.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class UploadStore(AtomDatabase database, TimeProvider time)
{
    private const string Columns =
        "tenant_id AS TenantId, id AS Id, owner_id AS OwnerId, request_id AS RequestId, name AS Name, declared_type AS DeclaredType, size AS Size, " +
        "sha256 AS Sha256, room_id AS RoomId, folder AS Folder, state AS State, file_id AS FileId, created_at AS CreatedAt, expires_at AS ExpiresAt";

    /// <summary>
    /// Begins an upload, or answers with the one a retry of the same request began. Checks the owner's quota (their
    /// files plus their open uploads) in the same transaction, so two parallel uploads cannot both squeeze in.
    /// </summary>
    /// <param name="upload">The upload to begin (its id, state and chunks are ignored).</param>
    /// <param name="quotaBytes">The owner's quota.</param>
    /// <param name="lifetime">How long it may stay open.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload.</returns>
    /// <exception cref="QuotaExceededException">The upload does not fit the quota.</exception>
    public async Task<UploadSession> BeginAsync(UploadSession upload, long quotaBytes, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        try
        {
            return await InsertAsync(upload, quotaBytes, lifetime, cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e) && upload.RequestId.Length > 0)
        {
            // The same request, retried while the first was still inserting: both answer with the upload the first began.
            return await database.InTenantAsync(upload.TenantId, (c, t) => ReadByRequestAsync(c, t, upload.TenantId, upload.OwnerId, upload.RequestId), cancellationToken)
                ?? throw new InvalidOperationException($"Upload request {upload.RequestId} collided with one that is gone.", e);
        }
    }

    private Task<UploadSession> InsertAsync(UploadSession upload, long quotaBytes, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return database.InTenantAsync(upload.TenantId, async (c, t) =>
        {
            if (upload.RequestId.Length > 0 && await ReadByRequestAsync(c, t, upload.TenantId, upload.OwnerId, upload.RequestId) is { } existing)
            {
                return existing;
            }

            var used = await FileStore.UsedBytesAsync(c, t, upload.TenantId, upload.OwnerId) + await c.ExecuteScalarAsync<long>(
                "SELECT COALESCE(SUM(size), 0) FROM uploads WHERE tenant_id = @TenantId AND owner_id = @OwnerId AND state = 'open'", new { upload.TenantId, upload.OwnerId }, t);
            if (used + upload.Size > quotaBytes)
            {
                throw new QuotaExceededException(quotaBytes, used, upload.Size);
            }

            var begun = upload with { Id = NewId(), State = UploadStatus.Open, Chunks = [], FileId = null, CreatedAt = now, ExpiresAt = now + lifetime };
            await c.ExecuteAsync(
                "INSERT INTO uploads (tenant_id, id, owner_id, request_id, name, declared_type, size, sha256, room_id, folder, state, created_at, updated_at, expires_at) " +
                "VALUES (@TenantId, @Id, @OwnerId, @RequestId, @Name, @DeclaredType, @Size, @Sha256, @RoomId, @Folder, 'open', @createdAt, @createdAt, @expiresAt)",
                new { begun.TenantId, begun.Id, begun.OwnerId, begun.RequestId, begun.Name, begun.DeclaredType, begun.Size, begun.Sha256, begun.RoomId, begun.Folder, createdAt = Ms(now), expiresAt = Ms(begun.ExpiresAt) }, t);
            return begun;
        }, cancellationToken);
    }

    /// <summary>Gets an upload with its chunks.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload, or null when the tenant has no such upload.</returns>
    public Task<UploadSession?> GetAsync(string tenantId, string uploadId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, uploadId), cancellationToken);

    /// <summary>Records a chunk whose bytes are in the staging file. A chunk at an offset already recorded keeps the longer of the two.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="chunk">The chunk.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The upload after it, or null when the upload is gone or no longer open.</returns>
    public Task<UploadSession?> AddChunkAsync(string tenantId, string uploadId, StoredChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var touched = await c.ExecuteAsync(
                "UPDATE uploads SET updated_at = @now WHERE tenant_id = @tenantId AND id = @uploadId AND state = 'open'",
                new { tenantId, uploadId, now = Ms(time.GetUtcNow()) }, t);
            if (touched == 0)
            {
                return null;
            }

            await c.ExecuteAsync(
                "INSERT INTO upload_chunks (tenant_id, upload_id, \"offset\", length, sha256) VALUES (@tenantId, @uploadId, @Offset, @Length, @Sha256) " +
                "ON CONFLICT (tenant_id, upload_id, \"offset\") DO UPDATE SET " +
                "sha256 = CASE WHEN excluded.length > upload_chunks.length THEN excluded.sha256 ELSE upload_chunks.sha256 END, " +
                "length = CASE WHEN excluded.length > upload_chunks.length THEN excluded.length ELSE upload_chunks.length END",
                new { tenantId, uploadId, chunk.Offset, chunk.Length, chunk.Sha256 }, t);
            var upload = await ReadAsync(c, t, tenantId, uploadId);
            await c.ExecuteAsync("UPDATE uploads SET committed_bytes = @committed WHERE tenant_id = @tenantId AND id = @uploadId",
                new { tenantId, uploadId, committed = upload!.CommittedBytes }, t);
            return upload;
        }, cancellationToken);
    }

    /// <summary>
    /// Completes an open upload into a file, in one transaction with whatever <paramref name="alsoInTransaction"/>
    /// does (enqueueing its processing, storing its blob), so the file, its job and its bytes exist together or not at all.
    /// </summary>
    /// <param name="upload">The upload, as read.</param>
    /// <param name="file">The file to make.</param>
    /// <param name="alsoInTransaction">More work for the same transaction.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file's id: a new one, or the one an earlier completion made; null when the upload is not open.</returns>
    public Task<string?> CompleteAsync(UploadSession upload, FileRecord file, Func<DbConnection, DbTransaction, Task> alsoInTransaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(alsoInTransaction);
        return database.InTenantAsync(upload.TenantId, async (c, t) =>
        {
            var done = await c.ExecuteAsync(
                "UPDATE uploads SET state = 'completed', file_id = @fileId, updated_at = @now WHERE tenant_id = @TenantId AND id = @Id AND state = 'open'",
                new { upload.TenantId, upload.Id, fileId = file.Id, now = Ms(time.GetUtcNow()) }, t);
            if (done == 0)
            {
                return (await ReadAsync(c, t, upload.TenantId, upload.Id))?.FileId;
            }

            await FileStore.InsertAsync(c, t, file);
            await c.ExecuteAsync("DELETE FROM upload_chunks WHERE tenant_id = @TenantId AND upload_id = @Id", new { upload.TenantId, upload.Id }, t);
            await alsoInTransaction(c, t);
            return file.Id;
        }, cancellationToken);
    }

    /// <summary>Ends an open upload as cancelled (or expired), forgetting its chunks.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="uploadId">The upload.</param>
    /// <param name="state">Cancelled or expired.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether an open upload was ended.</returns>
    public Task<bool> EndAsync(string tenantId, string uploadId, UploadStatus state, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var ended = await c.ExecuteAsync(
                "UPDATE uploads SET state = @state, updated_at = @now WHERE tenant_id = @tenantId AND id = @uploadId AND state = 'open'",
                new { tenantId, uploadId, state = state == UploadStatus.Expired ? "expired" : "cancelled", now = Ms(time.GetUtcNow()) }, t);
            await c.ExecuteAsync("DELETE FROM upload_chunks WHERE tenant_id = @tenantId AND upload_id = @uploadId", new { tenantId, uploadId }, t);
            return ended > 0;
        }, cancellationToken);

    /// <summary>Lists open uploads past their expiry, across tenants (for the sweeper).</summary>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(tenant, upload) pairs.</returns>
    public Task<IReadOnlyList<(string TenantId, string UploadId)>> ListExpiredAsync(int limit, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync<IReadOnlyList<(string, string)>>(async (c, t) => [.. await c.QueryAsync<(string, string)>(
            "SELECT tenant_id, id FROM uploads WHERE state = 'open' AND expires_at < @now ORDER BY expires_at LIMIT @limit",
            new { now = Ms(time.GetUtcNow()), limit }, t)], cancellationToken);

    private static async Task<UploadSession?> ReadByRequestAsync(DbConnection c, DbTransaction t, string tenantId, string ownerId, string requestId)
    {
        var id = await c.ExecuteScalarAsync<string?>(
            "SELECT id FROM uploads WHERE tenant_id = @tenantId AND owner_id = @ownerId AND request_id = @requestId", new { tenantId, ownerId, requestId }, t);
        return id is null ? null : await ReadAsync(c, t, tenantId, id);
    }

    private static async Task<UploadSession?> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string uploadId)
    {
        var row = await c.QuerySingleOrDefaultAsync<UploadRow>($"SELECT {Columns} FROM uploads WHERE tenant_id = @tenantId AND id = @uploadId", new { tenantId, uploadId }, t);
        if (row is null)
        {
            return null;
        }

        var chunks = await c.QueryAsync<StoredChunk>(
            "SELECT \"offset\" AS Offset, length AS Length, sha256 AS Sha256 FROM upload_chunks WHERE tenant_id = @tenantId AND upload_id = @uploadId ORDER BY \"offset\"",
            new { tenantId, uploadId }, t);
        return new UploadSession(row.TenantId, row.Id, row.OwnerId, row.RequestId, row.Name, row.DeclaredType, row.Size, row.Sha256, row.RoomId, row.Folder,
            row.State switch { "open" => UploadStatus.Open, "completed" => UploadStatus.Completed, "expired" => UploadStatus.Expired, _ => UploadStatus.Cancelled },
            [.. chunks], row.FileId, Time(row.CreatedAt), Time(row.ExpiresAt));
    }

    private sealed record UploadRow(
        string TenantId, string Id, string OwnerId, string RequestId, string Name, string DeclaredType, long Size, string Sha256, string RoomId, string Folder,
        string State, string? FileId, long CreatedAt, long ExpiresAt);
}

/// <summary>An upload would take its owner past their storage quota.</summary>
/// <param name="quotaBytes">The quota.</param>
/// <param name="usedBytes">What they hold now (files and open uploads).</param>
/// <param name="sizeBytes">The upload's size.</param>
public sealed class QuotaExceededException(long quotaBytes, long usedBytes, long sizeBytes)
    : Exception($"This upload of {sizeBytes} bytes would take you past your storage quota: {usedBytes} of {quotaBytes} bytes are in use.")
{
    /// <summary>Gets the quota.</summary>
    public long QuotaBytes { get; } = quotaBytes;

    /// <summary>Gets what is in use.</summary>
    public long UsedBytes { get; } = usedBytes;

    /// <summary>Gets the upload's size.</summary>
    public long SizeBytes { get; } = sizeBytes;
}
