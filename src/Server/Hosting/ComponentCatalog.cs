namespace Atom.Server.Hosting;

/// <summary>One pluggable part of the server and the implementation chosen for it.</summary>
/// <param name="Name">The component, e.g. "transport.grpc".</param>
/// <param name="Provider">The implementation, e.g. "kestrel-h2c".</param>
/// <param name="Enabled">Whether it is on.</param>
/// <param name="Detail">Where it listens or how it is configured.</param>
public sealed record ComponentInfo(string Name, string Provider, bool Enabled, string Detail);

/// <summary>The components this server runs with, as reported by GetServerInfo. Each area adds its own at start-up.</summary>
public sealed class ComponentCatalog
{
    private readonly List<ComponentInfo> _components = [];

    /// <summary>Gets the components, in the order they were added.</summary>
    public IReadOnlyList<ComponentInfo> Components => _components;

    /// <summary>Adds a component.</summary>
    /// <param name="component">The component.</param>
    /// <returns>This catalog.</returns>
    public ComponentCatalog Add(ComponentInfo component)
    {
        _components.Add(component);
        return this;
    }
}
