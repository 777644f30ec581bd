using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Server.Rpc.Internal.Faces;

/// <summary>
/// The request body of application/grpc-web-text: base64, possibly several padded chunks in a row.
/// Browsers cannot stream request bodies, so a text request is one unary message and is read whole,
/// bounded by the message size limit.
/// </summary>
internal static class GrpcWebText
{
    public static async Task<(ReadOnlySequence<byte> Body, RpcException? Error)> ReadBodyAsync(PipeReader reader, int maxMessageSize, CancellationToken cancellationToken)
    {
        // Base64 needs 4 characters per 3 bytes, plus a frame header and padding per chunk.
        var limit = ((long)maxMessageSize + 5) * 4 / 3 + 16;
        var text = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                text.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (text.WrittenCount > limit)
            {
                return (default, AtomErrors.Exception(StatusCode.ResourceExhausted, ErrorReason.MessageTooLarge,
                    $"The grpc-web-text request body exceeds {limit} characters (message limit {maxMessageSize} bytes)."));
            }

            if (result.IsCompleted)
            {
                break;
            }
        }

        return TryDecode(text.WrittenSpan, out var bytes)
            ? (new ReadOnlySequence<byte>(bytes), null)
            : (default, AtomErrors.Exception(StatusCode.Internal, ErrorReason.MalformedRequest, "The grpc-web-text request body is not valid base64."));
    }

    /// <summary>Decodes base64 that may hold padding between chunks: each padded run decodes on its own.</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        var output = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        var written = 0;
        while (!text.IsEmpty)
        {
            // A chunk ends after its padding ('='), or at the end of the input.
            var end = text.IndexOf((byte)'=');
            if (end >= 0)
            {
                while (end < text.Length && text[end] == (byte)'=')
                {
                    end++;
                }
            }
            else
            {
                end = text.Length;
            }

            var status = Base64.DecodeFromUtf8(text[..end], output.AsSpan(written), out var consumed, out var decoded);
            if (status != OperationStatus.Done || consumed != end)
            {
                bytes = [];
                return false;
            }

            written += decoded;
            text = text[end..];
        }

        bytes = output[..written];
        return true;
    }
}
