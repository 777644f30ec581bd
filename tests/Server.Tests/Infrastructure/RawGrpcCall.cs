using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// A gRPC call over raw HTTP/2 whose request body is written while the response is read: client streaming,
/// duplex and long server streams, frame by frame, with no gRPC client library in between.
/// </summary>
public sealed class RawGrpcCall : IAsyncDisposable
{
    private readonly PushContent _content;
    private readonly Task<HttpResponseMessage> _responseTask;
    private HttpResponseMessage? _response;
    private Stream? _responseBody;

    private RawGrpcCall(HttpClient client, string path, string contentType, IEnumerable<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        _content = new PushContent(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = _content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (key, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        _responseTask = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Starts a call; nothing of the body is sent until <see cref="SendAsync(IMessage)"/>.</summary>
    public static RawGrpcCall Start(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>>? headers = null, string contentType = "application/grpc", CancellationToken cancellationToken = default) =>
        new(client, path, contentType, headers, cancellationToken);

    /// <summary>Sends one message as a frame, flushed.</summary>
    public Task SendAsync(IMessage message) => SendRawAsync(GrpcWire.Frame(message));

    /// <summary>Sends bytes as they are.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        var stream = await _content.Stream;
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Half-closes the request: END_STREAM.</summary>
    public void Complete() => _content.Complete();

    /// <summary>The response (headers), once the server sent them.</summary>
    public async Task<HttpResponseMessage> ResponseAsync() => _response ??= await _responseTask.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Reads the next response message, or null at the end of the response body.</summary>
    public async Task<T?> ReadAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var response = await ResponseAsync();
        _responseBody ??= await response.Content.ReadAsStreamAsync();
        var header = new byte[5];
        if (!await ReadExactlyOrEndAsync(_responseBody, header))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        if (!await ReadExactlyOrEndAsync(_responseBody, payload) && payload.Length > 0)
        {
            throw new InvalidDataException("The response ended inside a message.");
        }

        return parser.ParseFrom(payload);
    }

    /// <summary>Reads to the end of the body and returns the grpc-status (trailers, or headers of a trailers-only response).</summary>
    public async Task<int?> StatusAsync()
    {
        var response = await ResponseAsync();
        _responseBody ??= await response.Content.ReadAsStreamAsync();
        await _responseBody.CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(30));
        return GrpcWire.GrpcStatus(response);
    }

    public async ValueTask DisposeAsync()
    {
        _content.Complete();
        if (_responseBody is not null)
        {
            await _responseBody.DisposeAsync();
        }

        _response?.Dispose();
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>A request body that stays open until completed: HttpClient hands over the stream, the test writes to it.</summary>
    private sealed class PushContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PushContent(string contentType) => Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        public Task<Stream> Stream => _stream.Task;

        public void Complete() => _done.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _stream.TrySetResult(stream);
            await _done.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
