namespace Atom.Server.Files;

/// <summary>Limits and policy of files (<c>Atom:Files</c>), with per-tenant overrides under <c>Atom:Files:Tenants:{tenant id}</c>.</summary>
public sealed class FilesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Files";

    /// <summary>Gets or sets the largest file accepted, in bytes (default 50 MiB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Gets or sets how many bytes of files (stored, plus open uploads) one user may hold (default 5 GiB).</summary>
    public long UserQuotaBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Gets or sets the chunk size suggested to clients (default 1 MiB).</summary>
    public int ChunkSize { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the largest chunk accepted (default 3 MiB: a chunk and its envelope must fit the 4 MiB gRPC message limit).</summary>
    public int MaxChunkBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Gets or sets how long an upload may stay open before it expires and its bytes are freed (default 24 h).</summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets where uploads stage their bytes; default <c>{DataDir}/uploads</c>.</summary>
    public string? StagingDirectory { get; set; }

    /// <summary>Gets or sets how long a file waiting for the virus scanner waits between tries (default 30 s).</summary>
    public TimeSpan ScanRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets per-tenant overrides, by tenant id.</summary>
    public Dictionary<string, TenantFilePolicy> Tenants { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the policy in force for a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <returns>The limits, with the tenant's overrides applied.</returns>
    public EffectiveFilePolicy For(string tenantId)
    {
        var tenant = Tenants.GetValueOrDefault(tenantId);
        return new EffectiveFilePolicy(
            tenant?.MaxFileBytes ?? MaxFileBytes,
            tenant?.UserQuotaBytes ?? UserQuotaBytes,
            tenant?.AllowUnknownTypes ?? false);
    }
}

/// <summary>One tenant's overrides of <see cref="FilesOptions"/>; unset values keep the server's.</summary>
public sealed class TenantFilePolicy
{
    /// <summary>Gets or sets the largest file accepted, in bytes.</summary>
    public long? MaxFileBytes { get; set; }

    /// <summary>Gets or sets the per-user quota, in bytes.</summary>
    public long? UserQuotaBytes { get; set; }

    /// <summary>Gets or sets whether content of a type Atom does not know is stored (scanned, never extracted) rather than refused.</summary>
    public bool? AllowUnknownTypes { get; set; }
}

/// <summary>The file limits in force for one tenant.</summary>
/// <param name="MaxFileBytes">The largest file accepted.</param>
/// <param name="UserQuotaBytes">The per-user quota.</param>
/// <param name="AllowUnknownTypes">Whether unknown types are stored rather than refused.</param>
public sealed record EffectiveFilePolicy(long MaxFileBytes, long UserQuotaBytes, bool AllowUnknownTypes);
