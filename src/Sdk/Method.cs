using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Atom.Sdk;

/// <summary>What every method descriptor says, whatever its message types.</summary>
public interface IMethod
{
    /// <summary>Gets the fully qualified service name, e.g. <c>atom.v1.ServerService</c>.</summary>
    string ServiceName { get; }

    /// <summary>Gets the method name, e.g. <c>GetServerInfo</c>.</summary>
    string Name { get; }

    /// <summary>Gets the HTTP/2 path, <c>/service/method</c>.</summary>
    string FullName { get; }

    /// <summary>Gets the kind of method.</summary>
    MethodType Type { get; }

    /// <summary>Gets a value indicating whether a call may be repeated safely (the proto's idempotency_level).</summary>
    bool IsIdempotent { get; }

    /// <summary>Gets the protobuf descriptor, which carries the HTTP rule and other options.</summary>
    MethodDescriptor Descriptor { get; }
}

/// <summary>Describes one RPC method: its name, kind and message types. Generated per method by protoc-gen-atom.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class Method<TRequest, TResponse> : IMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Lazy<MethodDescriptor> _descriptor;

    /// <summary>Creates a method descriptor.</summary>
    /// <param name="serviceName">The fully qualified service name.</param>
    /// <param name="name">The method name.</param>
    /// <param name="type">The kind of method.</param>
    /// <param name="requestParser">Parses requests.</param>
    /// <param name="responseParser">Parses responses.</param>
    /// <param name="isIdempotent">Whether calls may be retried safely.</param>
    /// <param name="descriptor">Returns the protobuf descriptor; called once, on first use.</param>
    public Method(
        string serviceName,
        string name,
        MethodType type,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        bool isIdempotent,
        Func<MethodDescriptor> descriptor)
    {
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        Type = type;
        RequestParser = requestParser;
        ResponseParser = responseParser;
        IsIdempotent = isIdempotent;
        _descriptor = new Lazy<MethodDescriptor>(descriptor);
    }

    /// <inheritdoc />
    public string ServiceName { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string FullName { get; }

    /// <inheritdoc />
    public MethodType Type { get; }

    /// <inheritdoc />
    public bool IsIdempotent { get; }

    /// <inheritdoc />
    public MethodDescriptor Descriptor => _descriptor.Value;

    /// <summary>Gets the parser for request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Gets the parser for response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}
