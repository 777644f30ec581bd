using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Atom.Server.Rpc;

/// <summary>Implemented by every generated service base: how the runtime learns a service's methods.</summary>
/// <typeparam name="TSelf">The generated base class.</typeparam>
public interface IRpcService<TSelf>
    where TSelf : class, IRpcService<TSelf>
{
    /// <summary>Gets the service's descriptor.</summary>
    static abstract ProtoServiceDescriptor ServiceDescriptor { get; }

    /// <summary>Registers the service's methods.</summary>
    /// <param name="binder">The binder.</param>
    static abstract void BindService(RpcServiceBinder<TSelf> binder);
}
