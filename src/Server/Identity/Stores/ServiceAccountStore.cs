using Atom.Server.Identity.Internal;
using System.Data.Common;
using Atom.Server.Storage;
using Atom.V1;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>Service accounts of a tenant with their roles.</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="changes">Bumped when a change can end or narrow someone's access.</param>
public sealed class ServiceAccountStore(AtomDatabase database, TimeProvider time, AccessChanges changes)
{
    private const string Columns = "id AS Id, tenant_id AS TenantId, name AS Name, display_name AS DisplayName, created_at AS CreatedAt, disabled_at AS DisabledAt";

    /// <summary>Creates a service account.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The unique name (case-insensitive).</param>
    /// <param name="displayName">The name shown.</param>
    /// <param name="roles">The roles.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    /// <exception cref="AlreadyExistsException">The name is taken in the tenant.</exception>
    public Task<ServiceAccount> CreateAsync(string tenantId, string name, string displayName, IReadOnlyList<Role> roles, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => CreateAsync(c, t, tenantId, name, displayName, roles), cancellationToken);

    /// <summary>Creates a service account inside a transaction the caller runs (idempotent creates).</summary>
    internal async Task<ServiceAccount> CreateAsync(DbConnection connection, DbTransaction transaction, string tenantId, string name, string displayName, IReadOnlyList<Role> roles)
    {
        var id = NewId();
        try
        {
            await connection.ExecuteAsync("INSERT INTO service_accounts (id, tenant_id, name, display_name, created_at) VALUES (@id, @tenantId, @name, @displayName, @now)",
                new { id, tenantId, name, displayName, now = Ms(time.GetUtcNow()) }, transaction);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("service account", "name", name, e);
        }

        await RoleTable.ServiceAccounts.AddAsync(connection, transaction, tenantId, id, roles);
        return (await ReadAsync(connection, transaction, tenantId, id))!;
    }

    /// <summary>Gets a service account.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account, or null.</returns>
    public Task<ServiceAccount?> GetAsync(string tenantId, string serviceAccountId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, serviceAccountId), cancellationToken);

    /// <summary>Lists the tenant's service accounts by id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<ServiceAccount>> ListAsync(string tenantId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = PageToken.Decode("service_accounts", page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = (await c.QueryAsync<AccountRow>(
                $"SELECT {Columns} FROM service_accounts WHERE tenant_id = @tenantId AND (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit",
                new { tenantId, after, limit = size + 1 }, t)).ToList();
            return PageToken.ToPage("service_accounts", await WithRolesAsync(c, t, tenantId, rows), size, a => a.Id);
        }, cancellationToken);
    }

    /// <summary>Replaces a service account's roles.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="roles">The new roles.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account after the change, or null.</returns>
    public async Task<ServiceAccount?> SetRolesAsync(string tenantId, string serviceAccountId, IReadOnlyList<Role> roles, CancellationToken cancellationToken = default)
    {
        var result = await database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (await ReadAsync(c, t, tenantId, serviceAccountId) is null)
            {
                return null;
            }

            await RoleTable.ServiceAccounts.ReplaceAsync(c, t, tenantId, serviceAccountId, roles);
            return await ReadAsync(c, t, tenantId, serviceAccountId);
        }, cancellationToken);
        changes.Changed();
        return result;
    }

    /// <summary>Disables a service account; its API keys stop working.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="serviceAccountId">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such account or it was already disabled.</returns>
    public async Task<bool> DisableAsync(string tenantId, string serviceAccountId, CancellationToken cancellationToken = default)
    {
        var result = await database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(
            "UPDATE service_accounts SET disabled_at = @now WHERE tenant_id = @tenantId AND id = @serviceAccountId AND disabled_at IS NULL",
            new { tenantId, serviceAccountId, now = Ms(time.GetUtcNow()) }, t) == 1, cancellationToken);
        changes.Changed();
        return result;
    }

    private static async Task<ServiceAccount?> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string id)
    {
        var row = await c.QuerySingleOrDefaultAsync<AccountRow>($"SELECT {Columns} FROM service_accounts WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id }, t);
        return row is null ? null : (await WithRolesAsync(c, t, tenantId, [row]))[0];
    }

    private static async Task<List<ServiceAccount>> WithRolesAsync(DbConnection c, DbTransaction t, string tenantId, List<AccountRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var roles = await RoleTable.ServiceAccounts.ReadAsync(c, t, tenantId, rows.Select(r => r.Id));
        return rows.Select(r => new ServiceAccount(r.Id, r.TenantId, r.Name, r.DisplayName, [.. roles[r.Id].Order()], Time(r.CreatedAt), Time(r.DisabledAt))).ToList();
    }

    private sealed class AccountRow
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public long CreatedAt { get; set; }

        public long? DisabledAt { get; set; }
    }
}
