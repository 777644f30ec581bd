namespace Atom.Server.Identity;

/// <summary>Lifetimes and policies of credentials (configuration section <c>Atom:Identity</c>).</summary>
public sealed class IdentityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Identity";

    /// <summary>Gets or sets the issuer (<c>iss</c>) and audience (<c>aud</c>) of access tokens.</summary>
    public string Issuer { get; set; } = "atom";

    /// <summary>Gets or sets how long an access token is valid.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the clock difference tolerated when checking <c>exp</c> and <c>iat</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a refresh token is valid.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the age after which the token signing key is replaced by a new one.</summary>
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how long a checked credential is trusted without looking at the store again. Changes made through
    /// this process (disabling, role changes, revoked keys) apply at once regardless; this bounds how long another
    /// node's change takes to apply here. Zero turns the cache off.
    /// </summary>
    public TimeSpan CallerCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the issuer name shown by authenticator apps for TOTP.</summary>
    public string TotpIssuer { get; set; } = "Atom";

    /// <summary>Gets or sets the PBKDF2 iteration count for new password hashes; older hashes with fewer are re-hashed at sign-in.</summary>
    public int PasswordIterations { get; set; } = Credentials.PasswordHasher.DefaultIterations;
}

/// <summary>First-start settings (configuration section <c>Atom:Bootstrap</c>).</summary>
public sealed class BootstrapOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Bootstrap";

    /// <summary>
    /// Gets or sets the secret of the first admin API key (format <c>atom_&lt;8&gt;_&lt;43&gt;</c>, see
    /// <see cref="Credentials.ApiKeySecret"/>). Used only on the very first start; when empty a random key is
    /// made, printed once and written to <c>&lt;Atom:DataDir&gt;/admin.token</c>.
    /// </summary>
    public string? AdminToken { get; set; }
}
