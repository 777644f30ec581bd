using System.Collections.Frozen;
using Atom.Sdk;
using Atom.Server.Rpc.Internal;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Atom.Server.Rpc;

/// <summary>The services and methods this server exposes, as registered at start-up.</summary>
public sealed class RpcServiceRegistry
{
    private readonly FrozenDictionary<string, ServerMethod> _byPath;
    private readonly FrozenSet<string> _serviceNames;

    internal RpcServiceRegistry(IEnumerable<ProtoServiceDescriptor> services, IEnumerable<ServerMethod> methods)
    {
        Services = [.. services.DistinctBy(s => s.FullName).OrderBy(s => s.FullName, StringComparer.Ordinal)];
        ServerMethods = [.. methods];
        _byPath = ServerMethods.ToFrozenDictionary(m => m.Method.FullName, StringComparer.Ordinal);
        _serviceNames = Services.Select(s => s.FullName).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Gets the descriptors of the exposed services, ordered by name.</summary>
    public IReadOnlyList<ProtoServiceDescriptor> Services { get; }

    /// <summary>Gets the exposed methods.</summary>
    public IEnumerable<IMethod> Methods => ServerMethods.Select(m => m.Method);

    internal IReadOnlyList<ServerMethod> ServerMethods { get; }

    /// <summary>Whether a fully qualified service name is exposed.</summary>
    /// <param name="serviceName">The service name.</param>
    /// <returns>True when it is.</returns>
    public bool HasService(string serviceName) => _serviceNames.Contains(serviceName);

    internal bool TryGetMethod(string path, out ServerMethod method) => _byPath.TryGetValue(path, out method!);
}
