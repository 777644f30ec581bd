namespace Atom.Server.Files.Blobs.Internal;

/// <summary>
/// A forward-only read of exactly <c>length</c> bytes of another stream. It stops at the length even when the source has more
/// (s3rver answers a range of <c>bytes=0-0</c> with the whole object), and fails rather than returning a short read when the
/// source ends early, so a truncated transfer is never taken for a blob's end.
/// </summary>
internal sealed class SliceStream(Stream inner, long length, IDisposable? owner = null) : Stream
{
    private long remaining = length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        return Consumed(inner.Read(buffer[..Clip(buffer.Length)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        return Consumed(await inner.ReadAsync(buffer[..Clip(buffer.Length)], cancellationToken));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Clip(int count) => (int)Math.Min(count, remaining);

    private int Consumed(int read)
    {
        if (read == 0)
        {
            throw new IOException($"The blob's bytes ended {remaining} bytes early.");
        }

        remaining -= read;
        return read;
    }
}
