using System.Data.Common;

namespace Atom.Server.Chat;

/// <summary>
/// Told of every message posted, edited or deleted, inside the transaction that makes the change: what follows from it
/// (indexing for search) is then queued durably with it, and never for a change that rolled back. Chat does not know who
/// listens; the composition root registers observers.
/// </summary>
public interface IMessageChangeObserver
{
    /// <summary>A message's text changed: it was posted, edited or deleted.</summary>
    /// <param name="connection">The connection of the transaction.</param>
    /// <param name="transaction">The transaction making the change.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="messageId">The message.</param>
    /// <returns>A task.</returns>
    Task MessageChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string roomId, string messageId);
}
