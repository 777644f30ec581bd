namespace Atom.Server.Identity.Authorization;

/// <summary>
/// Access for services whose contracts cannot carry the (atom.v1.access) option (configuration section
/// <c>Atom:Authorization</c>). Atom's own RPCs declare their rule in the proto; a method with no rule at all is refused.
/// </summary>
public sealed class AuthorizationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Authorization";

    /// <summary>Gets services callable without credentials: health, so that load balancers can probe.</summary>
    public IList<string> AnonymousServices { get; } = ["grpc.health.v1.Health"];

    /// <summary>Gets services any authenticated caller may use: reflection, so that tools discover the API.</summary>
    public IList<string> AuthenticatedServices { get; } = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];
}
