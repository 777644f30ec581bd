using System.Net;

namespace Atom.Sdk.Internal.Client;

/// <summary>The body of a unary or server-streaming request: one frame, already serialised; sent again as is on a retry.</summary>
internal sealed class FrameContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _frame;

    public FrameContent(ReadOnlyMemory<byte> frame, string contentType)
    {
        _frame = frame;
        Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_frame).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame, cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(_frame.Span);

    protected override bool TryComputeLength(out long length)
    {
        length = _frame.Length;
        return true;
    }
}

/// <summary>
/// The body of a client- or duplex-streaming request. The handler calls <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/>
/// when the request headers are out; the body stays open, written by the call's request stream, until it is completed.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent(string contentType) => Headers.TryAddWithoutValidation("Content-Type", contentType);

    /// <summary>Gets a task that completes with the request body stream once the handler has opened it.</summary>
    public Task<Stream> BodyStream => _stream.Task;

    /// <summary>Ends the body: the handler sends END_STREAM.</summary>
    public void Complete() => _complete.TrySetResult();

    /// <summary>Ends the body because the call ended; a write still waiting for the stream fails.</summary>
    public void Abort()
    {
        _stream.TrySetException(new OperationCanceledException("The call has ended."));
        _complete.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        return _complete.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
