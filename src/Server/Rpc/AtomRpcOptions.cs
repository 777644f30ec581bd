namespace Atom.Server.Rpc;

/// <summary>Options of the RPC runtime (configuration section <c>Atom:Rpc</c>).</summary>
public sealed class AtomRpcOptions
{
    /// <summary>Gets or sets the largest request message accepted, in bytes (default 4 MiB). Larger ones fail with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = Sdk.Internal.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Gets or sets the largest response message sent, in bytes; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Gets or sets the compression for response messages when the caller accepts it: null (none) or "gzip".</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Gets or sets a value indicating whether unexpected exceptions' messages reach callers (development only).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Gets the fully qualified names of registered services not to expose, e.g. <c>grpc.reflection.v1alpha.ServerReflection</c>
    /// to hide the old reflection protocol. A disabled service answers UNIMPLEMENTED like any unknown one.
    /// </summary>
    public IList<string> DisabledServices { get; } = [];

    /// <summary>Gets the interceptor types, outermost first; each is resolved once from DI or created with its dependencies.</summary>
    public IList<Type> Interceptors { get; } = [];
}
