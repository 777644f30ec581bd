using Atom.V1;

namespace Atom.Server.Identity;

/// <summary>What kind of principal a credential belongs to.</summary>
public enum PrincipalKind
{
    /// <summary>A person with an email address.</summary>
    User,

    /// <summary>A non-human account for integrations.</summary>
    ServiceAccount,
}

/// <summary>A tenant: an isolated organisation; every row of every area belongs to one.</summary>
/// <param name="Id">The id.</param>
/// <param name="Name">The unique short name users type when signing in (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="DisabledAt">When it was disabled, or null.</param>
public sealed record Tenant(string Id, string Name, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    /// <summary>Gets a value indicating whether the tenant is disabled.</summary>
    public bool IsDisabled => DisabledAt is not null;
}

/// <summary>A user of a tenant, without credentials (see <see cref="UserCredentials"/>).</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Email">The email, unique in the tenant (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Roles">The tenant roles, ascending.</param>
/// <param name="PlatformAdmin">Whether the user administers the whole platform (all tenants).</param>
/// <param name="HasPassword">Whether the user can sign in with a password.</param>
/// <param name="MfaEnabled">Whether sign-in needs a TOTP or recovery code.</param>
/// <param name="CreatedAt">When the user was created.</param>
/// <param name="UpdatedAt">When the user was last changed.</param>
/// <param name="DisabledAt">When the user was disabled, or null.</param>
public sealed record User(
    string Id,
    string TenantId,
    string Email,
    string DisplayName,
    IReadOnlyList<Role> Roles,
    bool PlatformAdmin,
    bool HasPassword,
    bool MfaEnabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DisabledAt)
{
    /// <summary>Gets a value indicating whether the user is disabled.</summary>
    public bool IsDisabled => DisabledAt is not null;
}

/// <summary>The secrets of a user: kept apart from <see cref="User"/> so they are never mapped to a response by accident.</summary>
/// <param name="PasswordHash">The <see cref="Credentials.PasswordHasher"/> hash, or null when the user has no password.</param>
/// <param name="MfaSecret">The base32 TOTP secret (pending until <paramref name="MfaEnabledAt"/> is set), or null.</param>
/// <param name="MfaEnabledAt">When TOTP was confirmed, or null.</param>
/// <param name="MfaLastStep">The last accepted TOTP time step, or null.</param>
public sealed record UserCredentials(string? PasswordHash, string? MfaSecret, DateTimeOffset? MfaEnabledAt, long? MfaLastStep);

/// <summary>What a new user is made of.</summary>
/// <param name="Email">The email, unique in the tenant (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Roles">The tenant roles.</param>
/// <param name="PasswordHash">The password hash, or null for no password sign-in.</param>
/// <param name="PlatformAdmin">Whether the user administers the platform.</param>
public sealed record NewUser(string Email, string DisplayName, IReadOnlyList<Role> Roles, string? PasswordHash = null, bool PlatformAdmin = false);

/// <summary>A group of users of a tenant.</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Name">The unique name in the tenant (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="MemberIds">The user ids of the members, ascending.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Group(string Id, string TenantId, string Name, string DisplayName, IReadOnlyList<string> MemberIds, DateTimeOffset CreatedAt);

/// <summary>A non-human principal of a tenant, which authenticates with API keys.</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Name">The unique name in the tenant (case-insensitive).</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Roles">The tenant roles, ascending.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="DisabledAt">When it was disabled, or null.</param>
public sealed record ServiceAccount(string Id, string TenantId, string Name, string DisplayName, IReadOnlyList<Role> Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    /// <summary>Gets a value indicating whether the account is disabled.</summary>
    public bool IsDisabled => DisabledAt is not null;
}

/// <summary>An API key, without its secret (which is shown once, at creation).</summary>
/// <param name="Id">The id.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="PrincipalId">The user or service account the key acts as.</param>
/// <param name="PrincipalKind">Which of the two.</param>
/// <param name="Name">A label.</param>
/// <param name="Prefix">The public part of the secret, to recognise the key.</param>
/// <param name="Scopes">The scopes; empty means everything the principal may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working, or null.</param>
/// <param name="LastUsedAt">When it was last used (updated at most once a minute), or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
public sealed record ApiKey(
    string Id,
    string TenantId,
    string PrincipalId,
    PrincipalKind PrincipalKind,
    string Name,
    string Prefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);
