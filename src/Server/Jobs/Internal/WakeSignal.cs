namespace Atom.Server.Jobs.Internal;

/// <summary>
/// A signal every waiter sees: <see cref="Next"/> completes at the following <see cref="Set"/>. A waiter takes the task
/// before it looks for work, so a signal that comes while it looks is not lost.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = New();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    // Continuations run elsewhere, so the enqueuing caller never runs a worker's loop on its own thread.
    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
