using System.Net;

namespace Atom.Benchmarks.LoadTool;

/// <summary>
/// Request body over one shared, pre-framed gRPC message. Each call gets its own tiny instance
/// (HttpContent is per request), but the bytes are built once and never copied.
/// </summary>
internal sealed class FrameContent : HttpContent
{
    private readonly byte[] _frame;

    public FrameContent(byte[] frame)
    {
        _frame = frame;
        Headers.TryAddWithoutValidation("content-type", "application/grpc");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_frame).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame, cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(_frame);

    protected override bool TryComputeLength(out long length)
    {
        length = _frame.Length;
        return true;
    }
}
