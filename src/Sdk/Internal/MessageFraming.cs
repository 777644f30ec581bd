using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Sdk.Internal;

/// <summary>
/// The length-prefixed message: a flags byte (bit 0: compressed), a 4-byte big-endian length, the payload.
/// One implementation serves server and client, gRPC and gRPC-Web.
/// </summary>
internal static class MessageFraming
{
    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/> when it is all there. Throws for a frame
    /// that announces more than <paramref name="maxMessageSize"/>, before any of it is buffered.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out byte flags, out ReadOnlySequence<byte> payload)
    {
        flags = 0;
        payload = default;
        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        flags = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            throw TooLarge("Received", length, maxMessageSize);
        }

        if (buffer.Length < GrpcProtocol.HeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Parses a frame's payload, decompressing it when its flag says so.</summary>
    public static T ParsePayload<T>(byte flags, ReadOnlySequence<byte> payload, MessageParser<T> parser, string? encoding, int maxMessageSize)
        where T : IMessage<T>
    {
        if ((flags & GrpcProtocol.CompressedFlag) != 0)
        {
            if (encoding is null or GrpcProtocol.IdentityEncoding)
            {
                throw new RpcException(StatusCode.Internal,
                    "A message is flagged compressed but the call has no grpc-encoding.",
                    AtomErrors.Info(ErrorReason.MalformedRequest));
            }

            if (!string.Equals(encoding, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(StatusCode.Unimplemented,
                    $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcProtocol.SupportedEncodings}.",
                    AtomErrors.Info(ErrorReason.InvalidHeader, ("header", GrpcProtocol.EncodingHeader)));
            }

            payload = new ReadOnlySequence<byte>(Decompress(payload, maxMessageSize));
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal,
                $"Failed to deserialize the {typeof(T).Name} message: {ex.Message}",
                AtomErrors.Info(ErrorReason.MalformedRequest));
        }
    }

    /// <summary>Writes one message as a frame, compressed with gzip when <paramref name="gzip"/> is set.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, IMessage message, bool gzip, int maxMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw TooLarge("Sending", (uint)size, maxMessageSize);
        }

        if (gzip)
        {
            var compressed = Compress(message, size);
            WriteHeader(output, GrpcProtocol.CompressedFlag, compressed.Length);
            output.Write(compressed);
            return;
        }

        WriteHeader(output, 0, size);
        if (size > 0)
        {
            // Serialising straight into the transport's buffer avoids an intermediate array per message.
            message.WriteTo(output.GetSpan(size)[..size]);
            output.Advance(size);
        }
    }

    public static void WriteHeader(IBufferWriter<byte> output, byte flags, int length)
    {
        var header = output.GetSpan(GrpcProtocol.HeaderSize);
        header[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        output.Advance(GrpcProtocol.HeaderSize);
    }

    private static byte[] Compress(IMessage message, int size)
    {
        using var buffer = new MemoryStream(size / 2 + 64);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            message.WriteTo(gzip);
        }

        return buffer.ToArray();
    }

    private static byte[] Decompress(ReadOnlySequence<byte> payload, int maxMessageSize)
    {
        using var input = new GZipStream(new SequenceStream(payload), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                // A small compressed frame can inflate without bound: enforce the limit on the inflated size.
                if (output.Length + read > maxMessageSize)
                {
                    throw TooLarge("Received (decompressed)", (uint)(output.Length + read), maxMessageSize);
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(StatusCode.Internal, $"The gzip-compressed message is corrupt: {ex.Message}",
                AtomErrors.Info(ErrorReason.MalformedRequest));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return output.ToArray();
    }

    private static RpcException TooLarge(string direction, uint length, int max) =>
        new(StatusCode.ResourceExhausted,
            $"{direction} message larger than max ({length} vs. {max})",
            AtomErrors.Info(ErrorReason.MessageTooLarge, ("size", length.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("limit", max.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>A read-only stream over a sequence, so GZipStream can read a frame without copying it first.</summary>
    private sealed class SequenceStream(ReadOnlySequence<byte> sequence) : Stream
    {
        private ReadOnlySequence<byte> _remaining = sequence;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var length = (int)Math.Min(buffer.Length, _remaining.Length);
            _remaining.Slice(0, length).CopyTo(buffer);
            _remaining = _remaining.Slice(length);
            return length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
