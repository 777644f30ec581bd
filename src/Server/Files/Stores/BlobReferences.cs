using System.Data.Common;
using Atom.Server.Files.Blobs;
using Atom.Server.Storage;
using Dapper;

namespace Atom.Server.Files.Stores;

/// <summary>
/// Keeps a blob while any file of any tenant refers to it. Identical content is stored once, so deleting one file
/// must not delete bytes another still uses, and a file completing with the same content at the same moment must
/// not lose its blob to the deletion: both sides take the same per-content lock (PostgreSQL: a transaction-scoped
/// advisory lock; SQLite: its single writer) before they look.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="blobs">The blobs.</param>
public sealed class BlobReferences(AtomDatabase database, IBlobStore blobs)
{
    /// <summary>Takes the content's lock in a transaction that is about to add a reference to it.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    /// <param name="sha256">The content.</param>
    /// <returns>A task.</returns>
    public Task HoldAsync(DbConnection connection, DbTransaction transaction, string sha256) => LockAsync(connection, transaction, sha256);

    /// <summary>Deletes the blob of a file that was just deleted, unless another file still refers to it.</summary>
    /// <param name="sha256">The content.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the blob was deleted.</returns>
    public Task<bool> ReleaseAsync(string sha256, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) =>
        {
            await LockAsync(c, t, sha256);
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM files WHERE sha256 = @sha256", new { sha256 }, t) > 0)
            {
                return false;
            }

            await blobs.DeleteAsync(sha256, cancellationToken);
            return true;
        }, cancellationToken);

    private Task LockAsync(DbConnection connection, DbTransaction transaction, string sha256) =>
        database.Dialect == SqlDialect.Postgres
            ? connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = "atom.blob:" + sha256 }, transaction)
            : Task.CompletedTask;
}
