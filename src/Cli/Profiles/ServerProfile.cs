using System.Text.Json.Serialization;

namespace Atom.Cli.Profiles;

/// <summary>What kind of credential a profile holds, which decides whether it can be refreshed and what logout can revoke.</summary>
internal enum ProfileCredentialKind
{
    /// <summary>A password sign-in: an access token with the refresh token that renews it.</summary>
    Session,

    /// <summary>An API key given to <c>atom login --token-stdin</c>; it works until it expires or is revoked.</summary>
    ApiKey,

    /// <summary>An access token given to <c>atom login --token-stdin</c>, without a refresh token: it works until it expires.</summary>
    AccessToken,
}

/// <summary>The stored sign-in for one server: the credential, and who it belongs to (for messages, never for authorization).</summary>
internal sealed record ServerProfile
{
    /// <summary>Gets the server's address as <see cref="ProfileStore.NormalizeServer"/> spells it; the profile's key.</summary>
    public required string Server { get; init; }

    /// <summary>Gets the kind of credential.</summary>
    public required ProfileCredentialKind Kind { get; init; }

    /// <summary>Gets the bearer credential: the access token or the API key.</summary>
    public required string Token { get; init; }

    /// <summary>Gets when <see cref="Token"/> expires, when known.</summary>
    public DateTimeOffset? TokenExpireTime { get; init; }

    /// <summary>Gets the refresh token of a session.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Gets when <see cref="RefreshToken"/> expires, when known.</summary>
    public DateTimeOffset? RefreshTokenExpireTime { get; init; }

    /// <summary>Gets the user's or service account's id.</summary>
    public string PrincipalId { get; init; } = string.Empty;

    /// <summary>Gets the tenant's id.</summary>
    public string TenantId { get; init; } = string.Empty;

    /// <summary>Gets the tenant's short name.</summary>
    public string TenantName { get; init; } = string.Empty;

    /// <summary>Gets the email, for users.</summary>
    public string Email { get; init; } = string.Empty;

    /// <summary>Gets the name shown to people.</summary>
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>Gets when the profile was last written.</summary>
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>Gets who the profile signs in as, for messages: the email, else the display name, else the id.</summary>
    [JsonIgnore]
    public string Who => Email.Length > 0 ? Email : DisplayName.Length > 0 ? DisplayName : PrincipalId;
}

/// <summary>The profile file's JSON, source-generated so the CLI never reflects over its own types.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerProfile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
