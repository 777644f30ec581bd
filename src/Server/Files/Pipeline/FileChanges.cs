using System.Collections.Concurrent;

namespace Atom.Server.Files.Pipeline;

/// <summary>
/// Tells watchers on this node that a file changed, so WatchFile answers at once rather than on its next look at
/// the store. Watchers still look now and then: a change made by another node's worker arrives that way.
/// </summary>
public sealed class FileChanges
{
    private readonly ConcurrentDictionary<(string TenantId, string FileId), TaskCompletionSource> _waiting = new();

    /// <summary>Gets a task that completes at the file's next change.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <returns>The task.</returns>
    public Task NextAsync(string tenantId, string fileId) =>
        _waiting.GetOrAdd((tenantId, fileId), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes everyone waiting for the file.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    public void Changed(string tenantId, string fileId)
    {
        if (_waiting.TryRemove((tenantId, fileId), out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
