using System.Data.Common;

namespace Atom.Server.Files;

/// <summary>
/// Told when a file's processing finishes, or it is renamed, moved or deleted, inside the transaction that makes the
/// change: what follows from it (indexing for search) is then queued durably with it. Files does not know who listens;
/// the composition root registers observers.
/// </summary>
public interface IFileChangeObserver
{
    /// <summary>A file changed in a way readers of it would see.</summary>
    /// <param name="connection">The connection of the transaction.</param>
    /// <param name="transaction">The transaction making the change.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <returns>A task.</returns>
    Task FileChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId);
}
