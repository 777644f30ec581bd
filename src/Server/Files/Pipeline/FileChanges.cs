using Atom.Server.Storage;

namespace Atom.Server.Files.Pipeline;

/// <summary>Tells WatchFile on this node that a file changed.</summary>
public sealed class FileChanges : ChangeSignals<(string TenantId, string FileId)>
{
    /// <summary>Gets a task that completes at the file's next change.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    /// <returns>The task.</returns>
    public Task NextAsync(string tenantId, string fileId) => NextAsync((tenantId, fileId));

    /// <summary>Wakes everyone waiting for the file.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="fileId">The file.</param>
    public void Changed(string tenantId, string fileId) => Changed((tenantId, fileId));
}
