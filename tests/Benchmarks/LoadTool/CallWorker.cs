using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Atom.Benchmarks.LoadTool;

/// <summary>
/// One stream slot on one connection: issues calls back to back until the phase ends and checks
/// every response (HTTP 200, well-formed frames with the expected messages, grpc-status 0),
/// so a broken server shows up as errors rather than as speed.
/// </summary>
internal sealed class CallWorker(HttpMessageInvoker invoker, Uri uri, GrpcWorkload workload)
{
    private const int MaxMessageSize = 4 * 1024 * 1024;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private byte[] _buffer = new byte[16 * 1024];

    public LatencyHistogram Latency { get; } = new();

    public long Calls { get; private set; }

    public long Messages { get; private set; }

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public long ErrorCount { get; private set; }

    /// <summary>Issues calls (at least one) until <paramref name="stopAt"/>, a Stopwatch timestamp; the call in flight then still finishes.</summary>
    public async Task RunAsync(long stopAt, CancellationToken cancellationToken)
    {
        do
        {
            var started = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                error = await CallOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                error = "call still running at the hard time limit";
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
            {
                error = $"{ex.GetType().Name}: {(ex.InnerException ?? ex).Message}";
            }

            if (error is null)
            {
                Latency.Record((long)((Stopwatch.GetTimestamp() - started) * NanosecondsPerTick));
                Calls++;
                Messages += workload.MessagesPerCall;
            }
            else
            {
                ErrorCount++;
                Errors[error] = Errors.GetValueOrDefault(error) + 1;
            }
        }
        while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested);
    }

    /// <summary>Makes one call; returns null when it was correct, else why not.</summary>
    private async Task<string?> CallOnceAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FrameContent(workload.RequestFrame),
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");

        using var response = await invoker.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"http status {(int)response.StatusCode}";
        }

        // Trailers-only response: the status arrives with the headers and there is no body.
        var headerStatus = GrpcStatusOf(response.Headers);
        if (headerStatus is not null)
        {
            return headerStatus == "0" ? "trailers-only OK without messages" : $"grpc-status {headerStatus}";
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            var (messages, frameError) = await ReadMessagesAsync(stream, cancellationToken);
            if (frameError is not null)
            {
                return frameError;
            }

            var status = GrpcStatusOf(response.TrailingHeaders);
            if (status != "0")
            {
                return status is null ? "no grpc-status trailer" : $"grpc-status {status}";
            }

            return messages == workload.MessagesPerCall ? null : $"got {messages} messages, expected {workload.MessagesPerCall}";
        }
    }

    private async Task<(int Messages, string? Error)> ReadMessagesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var filled = 0;
        var messages = 0;
        while (true)
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return filled == 0 ? (messages, null) : (messages, "response ended inside a message");
            }

            filled += read;
            var offset = 0;
            while (filled - offset >= GrpcWorkload.PrefixSize)
            {
                if (_buffer[offset] != 0)
                {
                    return (messages, "compressed or invalid message flag");
                }

                var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(offset + 1)), int.MaxValue);
                if (length > MaxMessageSize)
                {
                    return (messages, "message larger than 4 MiB");
                }

                if (filled - offset - GrpcWorkload.PrefixSize < length)
                {
                    break;
                }

                if (!IsExpectedMessage(_buffer.AsMemory(offset + GrpcWorkload.PrefixSize, length)))
                {
                    return (messages, "unexpected response message");
                }

                messages++;
                offset += GrpcWorkload.PrefixSize + length;
            }

            // Keep the partial message at the front; grow when it cannot fit.
            filled -= offset;
            _buffer.AsSpan(offset, filled).CopyTo(_buffer);
            if (filled >= GrpcWorkload.PrefixSize)
            {
                var needed = GrpcWorkload.PrefixSize + (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(1));
                if (needed > _buffer.Length)
                {
                    Array.Resize(ref _buffer, needed);
                }
            }
        }
    }

    private bool IsExpectedMessage(ReadOnlyMemory<byte> message)
    {
        // Fast path: byte-equal to the canonical encoding. Another valid encoding gets a real parse.
        if (message.Span.SequenceEqual(workload.ExpectedMessage))
        {
            return true;
        }

        try
        {
            return workload.IsExpected(message);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static string? GrpcStatusOf(HttpHeaders headers) =>
        headers.NonValidated.TryGetValues("grpc-status", out var values) ? values.ToString() : null;
}
