using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Atom.V1;
using Google.Protobuf;

namespace Atom.Sdk.Internal.Client;

/// <summary>Serialises request messages into length-prefixed frames, straight into the array that goes on the wire.</summary>
internal static class RequestFrames
{
    /// <summary>One frame in an exact-size array: a unary request is sent from it as is, on every attempt.</summary>
    public static ReadOnlyMemory<byte> Create(IMessage message, bool gzip, int maxSendMessageSize)
    {
        if (gzip)
        {
            var writer = new ArrayBufferWriter<byte>();
            MessageFraming.WriteFrame(writer, message, gzip: true, maxSendMessageSize);
            return writer.WrittenMemory;
        }

        var size = CheckedSize(message, maxSendMessageSize);
        var frame = new byte[GrpcProtocol.HeaderSize + size];
        WriteUncompressed(frame, message, size);
        return frame;
    }

    /// <summary>One frame in a pooled array, for a streaming write; the caller returns <paramref name="rented"/> once the write completes.</summary>
    public static ReadOnlyMemory<byte> Rent(IMessage message, bool gzip, int maxSendMessageSize, out byte[]? rented)
    {
        if (gzip)
        {
            rented = null;
            return Create(message, gzip, maxSendMessageSize);
        }

        var size = CheckedSize(message, maxSendMessageSize);
        rented = ArrayPool<byte>.Shared.Rent(GrpcProtocol.HeaderSize + size);
        WriteUncompressed(rented, message, size);
        return rented.AsMemory(0, GrpcProtocol.HeaderSize + size);
    }

    private static int CheckedSize(IMessage message, int maxSendMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxSendMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Sending message larger than max ({size} vs. {maxSendMessageSize})",
                AtomErrors.Info(ErrorReason.MessageTooLarge,
                    ("size", size.ToString(CultureInfo.InvariantCulture)), ("limit", maxSendMessageSize.ToString(CultureInfo.InvariantCulture))));
        }

        return size;
    }

    private static void WriteUncompressed(Span<byte> destination, IMessage message, int size)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)size);
        if (size > 0)
        {
            message.WriteTo(destination.Slice(GrpcProtocol.HeaderSize, size));
        }
    }
}
