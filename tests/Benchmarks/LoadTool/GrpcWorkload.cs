using Google.Protobuf;
using Grpc.Testing;

namespace Atom.Benchmarks.LoadTool;

/// <summary>What one call sends and what every response message must look like.</summary>
/// <param name="Path">The HTTP/2 :path of the method.</param>
/// <param name="RequestFrame">The framed request (5-byte prefix + message), built once.</param>
/// <param name="ExpectedMessage">The exact bytes a correct response message has (fast check).</param>
/// <param name="MessagesPerCall">How many response messages a correct call carries.</param>
/// <param name="IsExpected">Slow check for a message whose bytes differ but may still be correct.</param>
public sealed record GrpcWorkload(
    string Path,
    byte[] RequestFrame,
    byte[] ExpectedMessage,
    int MessagesPerCall,
    Func<ReadOnlyMemory<byte>, bool> IsExpected)
{
    /// <summary>Gets the size of a gRPC message prefix: compressed flag + big-endian length.</summary>
    public const int PrefixSize = 5;

    /// <summary>UnaryCall with a <paramref name="payloadSize"/>-byte payload and an equally large response.</summary>
    public static GrpcWorkload Unary(int payloadSize)
    {
        var request = new SimpleRequest
        {
            ResponseSize = payloadSize,
            Payload = new Payload { Body = ByteString.CopyFrom(new byte[payloadSize]) },
        };
        var expected = new SimpleResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[payloadSize]) } };
        return new GrpcWorkload(
            "/grpc.testing.TestService/UnaryCall",
            Frame(request),
            expected.ToByteArray(),
            1,
            bytes => SimpleResponse.Parser.ParseFrom(bytes.Span).Payload?.Body.Length == payloadSize);
    }

    /// <summary>StreamingOutputCall answering with <paramref name="messages"/> messages of <paramref name="payloadSize"/> bytes.</summary>
    public static GrpcWorkload Stream(int messages, int payloadSize)
    {
        var request = new StreamingOutputCallRequest();
        for (var i = 0; i < messages; i++)
        {
            request.ResponseParameters.Add(new ResponseParameters { Size = payloadSize });
        }

        var expected = new StreamingOutputCallResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[payloadSize]) } };
        return new GrpcWorkload(
            "/grpc.testing.TestService/StreamingOutputCall",
            Frame(request),
            expected.ToByteArray(),
            messages,
            bytes => StreamingOutputCallResponse.Parser.ParseFrom(bytes.Span).Payload?.Body.Length == payloadSize);
    }

    /// <summary>Frames one message: flag 0 (uncompressed), 4-byte big-endian length, the message.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[PrefixSize + size];
        frame[0] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
        message.WriteTo(frame.AsSpan(PrefixSize));
        return frame;
    }
}
