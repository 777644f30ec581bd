using Atom.Server.Rpc;

namespace Atom.Interop.TestHost.Diagnostics;

/// <summary>Counts calls, so benchmarks can divide what the process allocated by the calls it served.</summary>
public sealed class CallCounter : ServerInterceptor
{
    private long _calls;

    /// <summary>Gets the number of calls started.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc />
    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        Interlocked.Increment(ref _calls);
        return next(context);
    }
}
