using System.Data.Common;
using Atom.Server.Identity.Internal;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>Tenants. Creating and listing tenants is platform work; reading one runs as that tenant.</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="changes">Bumped when a change can end or narrow someone's access.</param>
public sealed class TenantStore(AtomDatabase database, TimeProvider time, AccessChanges changes)
{
    private const string Columns = "id AS Id, name AS Name, display_name AS DisplayName, created_at AS CreatedAt, disabled_at AS DisabledAt";

    /// <summary>Creates a tenant.</summary>
    /// <param name="name">The unique short name (case-insensitive).</param>
    /// <param name="displayName">The name shown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tenant.</returns>
    /// <exception cref="AlreadyExistsException">The name is taken.</exception>
    public Task<Tenant> CreateAsync(string name, string displayName, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync((c, t) => CreateAsync(c, t, name, displayName), cancellationToken);

    /// <summary>Creates a tenant inside a platform transaction the caller runs (bootstrap).</summary>
    internal async Task<Tenant> CreateAsync(DbConnection connection, DbTransaction transaction, string name, string displayName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var tenant = new Tenant(NewId(), name, displayName, Now(), null);
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES (@Id, @Id, @Name, @DisplayName, @CreatedAt)",
                new { tenant.Id, tenant.Name, tenant.DisplayName, CreatedAt = Ms(tenant.CreatedAt) }, transaction);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("tenant", "name", name, e);
        }

        return tenant;
    }

    /// <summary>Gets a tenant by id (run as that tenant).</summary>
    /// <param name="tenantId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tenant, or null.</returns>
    public Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => Map(await c.QuerySingleOrDefaultAsync<TenantRow>(
            $"SELECT {Columns} FROM tenants WHERE tenant_id = @tenantId AND id = @tenantId", new { tenantId }, t)), cancellationToken);

    /// <summary>Finds a tenant by its name, case-insensitively (platform lookup: sign-in names a tenant before anyone is known).</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tenant, or null.</returns>
    public Task<Tenant?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) => Map(await c.QuerySingleOrDefaultAsync<TenantRow>(
            $"SELECT {Columns} FROM tenants WHERE {database.Dialect.CaseInsensitiveEquals("name", "@name")}", new { name }, t)), cancellationToken);

    /// <summary>Lists all tenants by id (platform).</summary>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = PageToken.Decode("tenants", page.PageToken);
        var size = page.EffectiveSize;
        return database.AsPlatformAsync(async (c, t) =>
        {
            var rows = await c.QueryAsync<TenantRow>(
                $"SELECT {Columns} FROM tenants WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit",
                new { after, limit = size + 1 }, t);
            return PageToken.ToPage("tenants", rows.Select(r => Map(r)!).ToList(), size, x => x.Id);
        }, cancellationToken);
    }

    /// <summary>Whether any tenant exists (platform): false only before the first start's bootstrap.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when at least one tenant exists.</returns>
    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) => await c.ExecuteScalarAsync<long>("SELECT count(*) FROM tenants", transaction: t) > 0, cancellationToken);

    /// <summary>Disables a tenant: its users and keys stop authenticating.</summary>
    /// <param name="tenantId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such tenant or it was already disabled.</returns>
    public async Task<bool> DisableAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var result = await database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "UPDATE tenants SET disabled_at = @now WHERE tenant_id = @tenantId AND id = @tenantId AND disabled_at IS NULL",
            new { tenantId, now = Ms(Now()) }, t) == 1, cancellationToken);
        changes.Changed();
        return result;
    }

    private DateTimeOffset Now() => Time(Ms(time.GetUtcNow()));

    private static Tenant? Map(TenantRow? row) => row is null ? null : new Tenant(row.Id, row.Name, row.DisplayName, Time(row.CreatedAt), Time(row.DisabledAt));

    private sealed class TenantRow
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? DisabledAt { get; set; }
    }
}
