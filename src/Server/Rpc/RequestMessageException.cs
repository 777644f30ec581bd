using Atom.Sdk;

namespace Atom.Server.Rpc;

/// <summary>
/// Thrown by a request stream's MoveNext when one message could not be decoded but the stream itself is intact: the
/// bad message has been consumed and the next one can be read. A handler that answers per message (e.g. a chat
/// stream) catches it, reports the error and reads on; anywhere else it ends the call with <see cref="Error"/>.
/// </summary>
public sealed class RequestMessageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RequestMessageException"/> class.</summary>
    /// <param name="error">What was wrong with the message.</param>
    public RequestMessageException(RpcException error)
        : base(error?.Message, error)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>Initializes a new instance of the <see cref="RequestMessageException"/> class.</summary>
    public RequestMessageException()
        : this(new RpcException(new Status(StatusCode.Internal, "A request message could not be decoded.")))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestMessageException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RequestMessageException(string message)
        : this(new RpcException(new Status(StatusCode.Internal, message)))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestMessageException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RequestMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new RpcException(new Status(StatusCode.Internal, message));
    }

    /// <summary>Gets the error the message earned: INTERNAL with reason MALFORMED_REQUEST, as gRPC reports undecodable messages.</summary>
    public RpcException Error { get; }
}
