using System.Collections.Concurrent;

namespace Atom.Server.Storage;

/// <summary>
/// Wakes the watchers on this node of something that changed, so a watch answers at once rather than on its next look
/// at the store. Watchers still look now and then: a change made on another node arrives that way.
/// </summary>
/// <typeparam name="TKey">What changes, e.g. a (tenant, file) pair.</typeparam>
public class ChangeSignals<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TaskCompletionSource> _waiting = new();

    /// <summary>Gets a task that completes at the next change of <paramref name="key"/>.</summary>
    /// <param name="key">What is watched.</param>
    /// <returns>The task.</returns>
    public Task NextAsync(TKey key) =>
        _waiting.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes everyone waiting for <paramref name="key"/>.</summary>
    /// <param name="key">What changed.</param>
    public void Changed(TKey key)
    {
        if (_waiting.TryRemove(key, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
