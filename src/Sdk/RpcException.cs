using Atom.Sdk.Internal;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Sdk;

/// <summary>
/// A call that ended with a status other than OK. On the server, throwing one ends the call with its
/// status and trailers; on the client, every failed call throws one.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception with a status.</summary>
    /// <param name="status">The status.</param>
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    /// <summary>Creates an exception with a status and trailers.</summary>
    /// <param name="status">The status.</param>
    /// <param name="trailers">The trailers sent with the status.</param>
    public RpcException(Status status, Metadata trailers)
        : base(status.Detail.Length > 0 ? $"{status.StatusCode}: {status.Detail}" : status.StatusCode.ToString())
    {
        Status = status;
        Trailers = trailers;
    }

    /// <summary>Creates an exception carrying a google.rpc.Status with details (ErrorInfo, BadRequest, ...).</summary>
    /// <param name="code">The status code.</param>
    /// <param name="message">The message, for people.</param>
    /// <param name="details">Detail messages from google/rpc/error_details.proto, packed as Any.</param>
    public RpcException(StatusCode code, string message, params IMessage[] details)
        : this(new Status(code, message), TrailersWithDetails(code, message, details))
    {
    }

    /// <summary>Gets the status.</summary>
    public Status Status { get; }

    /// <summary>Gets the status code.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Gets the trailers that came, or go, with the status.</summary>
    public Metadata Trailers { get; }

    /// <summary>Gets the google.rpc.Status from the <c>grpc-status-details-bin</c> trailer, or null.</summary>
    /// <returns>The rich status, or null when there is none or it does not parse.</returns>
    public Atom.Google.Rpc.Status? GetRpcStatus()
    {
        var bytes = Trailers.GetValueBytes(GrpcProtocol.StatusDetailsTrailer);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return Atom.Google.Rpc.Status.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Gets the first detail of a type from the rich status, e.g. <c>GetDetail&lt;ErrorInfo&gt;()</c>.</summary>
    /// <typeparam name="T">The detail message type.</typeparam>
    /// <returns>The detail, or null.</returns>
    public T? GetDetail<T>()
        where T : class, IMessage<T>, new()
    {
        var status = GetRpcStatus();
        if (status is null)
        {
            return null;
        }

        var descriptor = new T().Descriptor;
        foreach (var any in status.Details)
        {
            if (any.Is(descriptor))
            {
                return any.Unpack<T>();
            }
        }

        return null;
    }

    private static Metadata TrailersWithDetails(StatusCode code, string message, IMessage[] details)
    {
        var status = new Atom.Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return new Metadata().Add(GrpcProtocol.StatusDetailsTrailer, status.ToByteArray());
    }
}
