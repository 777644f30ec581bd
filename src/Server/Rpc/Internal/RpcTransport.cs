using Atom.Sdk;
using Google.Protobuf;

namespace Atom.Server.Rpc.Internal;

/// <summary>
/// How one call's messages travel on its face. The call handlers and interceptors speak only to this,
/// which is why one pipeline serves gRPC, gRPC-Web and REST alike.
/// </summary>
internal abstract class RpcTransport
{
    /// <summary>Gets a value indicating whether anything of the response (headers or a message) is committed.</summary>
    public abstract bool ResponseStarted { get; }

    /// <summary>Gets or sets the compression wanted for response messages; the face decides whether the caller can take it.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Reads the next request message, or null at the end of the request stream.</summary>
    public abstract ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>;

    /// <summary>Writes a response message; <paramref name="flush"/> sends it now (streams) rather than at completion (unary).</summary>
    public abstract ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken);

    /// <summary>Sends the response headers with extra metadata.</summary>
    public abstract Task WriteHeadersAsync(Metadata headers, CancellationToken cancellationToken);

    /// <summary>Ends the call with a status and trailers. Called exactly once, after the handler.</summary>
    public abstract ValueTask CompleteAsync(Status status, Metadata? trailers);

    /// <summary>Reads the one request of a unary or server-streaming call.</summary>
    public virtual async ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var message = await ReadMessageAsync(parser, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Internal, "The request stream ended before the request message."));
        if (await ReadMessageAsync(parser, cancellationToken) is not null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The request stream has more than one message for a method that takes one."));
        }

        return message;
    }
}
