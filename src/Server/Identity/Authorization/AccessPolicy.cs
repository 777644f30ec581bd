using System.Collections.Concurrent;
using Atom.Sdk;
using Atom.V1;
using Microsoft.Extensions.Options;

namespace Atom.Server.Identity.Authorization;

/// <summary>
/// The access rule of each method: the (atom.v1.access) option in its contract, or, for services whose
/// contracts cannot carry it, the configured lists. Read once per method and cached. (It reads descriptors,
/// not the service registry: the registry builds the interceptors that use this policy.)
/// </summary>
public sealed class AccessPolicy(IOptions<AuthorizationOptions> options)
{
    private static readonly AccessRule Anonymous = new() { Anonymous = true };
    private static readonly AccessRule Authenticated = new();
    private readonly ConcurrentDictionary<IMethod, AccessRule?> _rules = new();

    /// <summary>Gets a method's rule, or null when it declares none (calls to it are refused).</summary>
    /// <param name="method">The method.</param>
    /// <returns>The rule.</returns>
    public AccessRule? RuleFor(IMethod method) => _rules.GetOrAdd(method, m =>
        m.Descriptor.GetOptions()?.GetExtension(AccessExtensions.Access)
        ?? (options.Value.AnonymousServices.Contains(m.ServiceName) ? Anonymous
            : options.Value.AuthenticatedServices.Contains(m.ServiceName) ? Authenticated
            : null));
}
