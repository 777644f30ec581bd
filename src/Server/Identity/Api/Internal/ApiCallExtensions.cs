using Atom.Server.Rpc;
using Atom.V1;

namespace Atom.Server.Identity.Api.Internal;

/// <summary>Small facts about a call that several identity handlers record.</summary>
internal static class ApiCallExtensions
{
    /// <summary>The client's IP address, for throttling and the audit trail; empty when unknown.</summary>
    public static string ClientAddress(this ServerCallContext context) => context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? string.Empty;

    /// <summary>Roles as the audit trail lists them, e.g. <c>admin,member</c>.</summary>
    public static string AuditList(this IEnumerable<Role> roles) => string.Join(',', roles.Select(r => r.ToString().ToLowerInvariant()));
}
