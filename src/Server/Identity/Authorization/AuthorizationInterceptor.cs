using System.Collections.Frozen;
using Atom.Sdk;
using Atom.Server.Rpc;
using Atom.V1;
using Microsoft.Net.Http.Headers;

namespace Atom.Server.Identity.Authorization;

/// <summary>
/// Who is asking, and may they? Runs before every handler on every face: reads the bearer credential,
/// asks the authenticator who it belongs to, and checks the method's access rule. A method with no rule
/// is refused: the server fails closed.
/// </summary>
public sealed class AuthorizationInterceptor(AccessPolicy policy, ICallerAuthenticator authenticator) : ServerInterceptor
{
    private const string BearerPrefix = "Bearer ";

    /// <inheritdoc />
    public override Task InterceptAsync(ServerCallContext context, RpcCallHandler next)
    {
        var rule = policy.RuleFor(context.Method)
            ?? throw Denied($"{context.Method.FullName} declares no access rule, so no one may call it.", Permission.Unspecified);

        if (rule.Anonymous)
        {
            // Credentials are not looked at: a health probe costs no store lookup, and a stale header cannot break signing in.
            return next(context);
        }

        var header = context.HttpContext.Request.Headers[HeaderNames.Authorization].ToString();
        if (header.Length == 0)
        {
            throw Unauthenticated("No credentials: send 'authorization: Bearer <access token or API key>'.");
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            throw Unauthenticated("The authorization header must be 'Bearer <access token or API key>'.");
        }

        return AuthorizeAsync(context, next, rule, header[BearerPrefix.Length..].Trim());
    }

    private async Task AuthorizeAsync(ServerCallContext context, RpcCallHandler next, AccessRule rule, string credential)
    {
        var outcome = await authenticator.AuthenticateAsync(credential, context.CancellationToken);
        var caller = outcome.Caller ?? throw Unauthenticated(outcome.Failure ?? "The credential is not valid.", outcome.Reason);
        if (!RolePermissions.Allows(caller, rule.Permission))
        {
            throw Denied($"{context.Method.FullName} needs the {ScopeName(rule.Permission)} permission, which your roles do not grant.", rule.Permission);
        }

        if (rule.Permission != Permission.Unspecified && caller.Scopes.Count > 0 && !caller.Scopes.Contains(ScopeName(rule.Permission), StringComparer.Ordinal))
        {
            throw Denied($"{context.Method.FullName} needs the {ScopeName(rule.Permission)} scope, which this API key does not have.", rule.Permission);
        }

        context.SetCaller(caller);
        await next(context);
    }

    /// <summary>The scope name of a permission, as API keys list it: e.g. <c>directory_read</c>.</summary>
    /// <param name="permission">The permission.</param>
    /// <returns>The scope name.</returns>
    public static string ScopeName(Permission permission) => ScopeNames.GetValueOrDefault(permission, permission.ToString());

    private static readonly FrozenDictionary<Permission, string> ScopeNames =
        AccessReflection.Descriptor.EnumTypes.Single(e => e.Name == "Permission").Values
            .ToDictionary(v => (Permission)v.Number, v => v.Name["PERMISSION_".Length..].ToLowerInvariant())
            .ToFrozenDictionary();

    private static RpcException Unauthenticated(string message, ErrorReason reason = ErrorReason.Unauthenticated) =>
        new(StatusCode.Unauthenticated, message, AtomErrors.Info(reason));

    private static RpcException Denied(string message, Permission permission) =>
        new(StatusCode.PermissionDenied, message, AtomErrors.Info(ErrorReason.PermissionDenied, ("permission", ScopeName(permission))));
}
