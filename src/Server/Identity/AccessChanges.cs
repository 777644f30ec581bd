namespace Atom.Server.Identity;

/// <summary>
/// Counts the changes that can end or narrow someone's access: a disabled tenant, user or service account, a role
/// change, a revoked key. Whatever caches an authentication result compares this version, so such a change takes
/// effect on the next call in this process. Stores bump it after their transaction commits.
/// </summary>
public sealed class AccessChanges
{
    private long _version;

    /// <summary>Gets the current version.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Records a change.</summary>
    public void Changed() => Interlocked.Increment(ref _version);
}
