using System.Buffers;
using Google.Protobuf;

namespace Atom.Sdk.Internal.Client;

/// <summary>
/// The request stream of a client- or duplex-streaming call: each message is framed into a pooled buffer and written
/// to the open HTTP request body, one write at a time; <see cref="CompleteAsync"/> ends the body.
/// </summary>
internal sealed class ClientStreamWriter<TRequest, TResponse>(
    GrpcCall<TRequest, TResponse> call, StreamingRequestContent content, int maxSendMessageSize, bool gzip) : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private int _writing;
    private volatile bool _completed;

    public WriteOptions? WriteOptions { get; set; }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed)
        {
            throw new InvalidOperationException("The request stream has been completed: no more requests can be written.");
        }

        call.ThrowIfFinished();
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A write is already in progress: only one write may be pending at a time.");
        }

        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).CancelByCaller(), call)
            : default;
        byte[]? rented = null;
        try
        {
            var frame = RequestFrames.Rent(message, gzip, maxSendMessageSize, out rented);
            var body = await content.BodyStream.WaitAsync(call.Token).ConfigureAwait(false);
            await body.WriteAsync(frame, call.Token).ConfigureAwait(false);
            if (WriteOptions?.IsBuffered != true)
            {
                await body.FlushAsync(call.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            throw await call.WriteFailedAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            await registration.DisposeAsync().ConfigureAwait(false);
            Volatile.Write(ref _writing, 0);
        }
    }

    public Task CompleteAsync()
    {
        if (Volatile.Read(ref _writing) == 1)
        {
            throw new InvalidOperationException("The request stream cannot be completed while a write is in progress.");
        }

        _completed = true;
        content.Complete();
        return Task.CompletedTask;
    }
}
