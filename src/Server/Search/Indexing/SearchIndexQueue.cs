using System.Data.Common;
using Atom.Server.Chat;
using Atom.Server.Files;
using Atom.Server.Jobs;

namespace Atom.Server.Search.Indexing;

/// <summary>
/// Queues a source for (re)indexing in the transaction that changed it: a job per message or file, which the indexer
/// runs soon after and which survives a restart, so the index catches up with whatever was committed. Changes that
/// come faster than the indexer fold into the one job still waiting for that source.
/// </summary>
/// <param name="jobs">The job queue.</param>
public sealed class SearchIndexQueue(JobQueue jobs) : IMessageChangeObserver, IFileChangeObserver
{
    /// <summary>The job kind the indexer runs.</summary>
    public const string JobKind = "search.index";

    /// <summary>The subject of a message's job.</summary>
    /// <param name="messageId">The message.</param>
    /// <returns>The subject.</returns>
    public static string MessageSubject(string messageId) => "message:" + messageId;

    /// <summary>The subject of a file's job.</summary>
    /// <param name="fileId">The file.</param>
    /// <returns>The subject.</returns>
    public static string FileSubject(string fileId) => "file:" + fileId;

    /// <inheritdoc />
    public Task MessageChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string roomId, string messageId) =>
        jobs.EnqueueAsync(connection, transaction, tenantId, JobKind, MessageSubject(messageId), roomId);

    /// <inheritdoc />
    public Task FileChangedAsync(DbConnection connection, DbTransaction transaction, string tenantId, string fileId) =>
        jobs.EnqueueAsync(connection, transaction, tenantId, JobKind, FileSubject(fileId), string.Empty);
}
