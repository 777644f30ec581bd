using Atom.Server.Storage;

namespace Atom.Server.Search.Indexing;

/// <summary>
/// Tells live searches on this node that a tenant's index changed (a source was indexed, re-indexed or removed), with
/// the scope it changed in, so a live search re-runs only when it could see the change.
/// </summary>
public sealed class SearchIndexChanges
{
    private readonly ChangeSignals<string> _scopes = new();

    /// <summary>Gets a task that completes at the next change in any of the scopes of a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="scopes">The scopes (<c>room:ID</c>, <c>user:ID</c>) the watcher reads.</param>
    /// <returns>The task.</returns>
    public Task NextAsync(string tenantId, IEnumerable<string> scopes) =>
        Task.WhenAny(scopes.Select(scope => _scopes.NextAsync(tenantId + "\n" + scope)));

    /// <summary>Wakes the watchers of a scope.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="scope">The scope that changed.</param>
    public void Changed(string tenantId, string scope) => _scopes.Changed(tenantId + "\n" + scope);
}
