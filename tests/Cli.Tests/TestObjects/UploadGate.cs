using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Cli.Tests.TestObjects;

/// <summary>
/// Holds FileService.Upload streams at the server while closed (BeginUpload and the rest pass), so a test can catch an
/// upload the CLI has begun and not finished, and interrupt it there: no race with a transfer that takes milliseconds.
/// </summary>
public sealed class UploadGate : ServerInterceptor
{
    private volatile TaskCompletionSource _open = Opened();

    /// <summary>Holds the Upload streams that start from now on.</summary>
    public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every held and later Upload stream through.</summary>
    public void Open() => _open.TrySetResult();

    public override async Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        if (context.Method.FullName == FileServiceRpc.Upload.FullName)
        {
            await _open.Task.WaitAsync(context.CancellationToken);
        }

        await next(context);
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
