using Atom.V1;

namespace Atom.Server.Identity.Authorization;

/// <summary>An authenticated caller: who they are, in which tenant, with which roles.</summary>
/// <param name="PrincipalId">The user or service account id.</param>
/// <param name="Kind">User or service account.</param>
/// <param name="TenantId">The tenant every call of theirs is confined to.</param>
/// <param name="Roles">Their roles in the tenant.</param>
/// <param name="PlatformAdmin">Whether they administer the whole platform.</param>
/// <param name="Scopes">The scopes of the API key used; empty means all their roles allow.</param>
/// <param name="AuthenticatedBy">"access_token" or "api_key".</param>
public sealed record Caller(
    string PrincipalId,
    Principal.Types.Kind Kind,
    string TenantId,
    IReadOnlySet<Role> Roles,
    bool PlatformAdmin,
    IReadOnlyList<string> Scopes,
    string AuthenticatedBy);

/// <summary>The outcome of checking a credential: a caller, or why not (said to the caller precisely).</summary>
/// <param name="Caller">The caller, when the credential is good.</param>
/// <param name="Failure">Why it is not, e.g. "the access token expired".</param>
/// <param name="Reason">The ErrorInfo reason of the failure, for clients to branch on.</param>
public readonly record struct AuthenticationOutcome(Caller? Caller, string? Failure, ErrorReason Reason = ErrorReason.Unauthenticated)
{
    /// <summary>A good credential.</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>The outcome.</returns>
    public static AuthenticationOutcome Success(Caller caller) => new(caller, null);

    /// <summary>A bad credential.</summary>
    /// <param name="reason">Why, for clients to branch on.</param>
    /// <param name="failure">Why, for people.</param>
    /// <returns>The outcome.</returns>
    public static AuthenticationOutcome Failed(ErrorReason reason, string failure) => new(null, failure, reason);
}

/// <summary>Turns a bearer credential (an access token or an API key) into a caller. Implemented by Identity.</summary>
public interface ICallerAuthenticator
{
    /// <summary>Checks a bearer credential.</summary>
    /// <param name="credential">What followed "Bearer " in the authorization header.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The caller, or why the credential is not good.</returns>
    ValueTask<AuthenticationOutcome> AuthenticateAsync(string credential, CancellationToken cancellationToken);
}
