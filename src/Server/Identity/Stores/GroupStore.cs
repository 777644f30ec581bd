using System.Data.Common;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>Groups of users of a tenant.</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class GroupStore(AtomDatabase database, TimeProvider time)
{
    private const string Columns = "id AS Id, tenant_id AS TenantId, name AS Name, display_name AS DisplayName, created_at AS CreatedAt";

    /// <summary>Creates an empty group.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The unique name (case-insensitive).</param>
    /// <param name="displayName">The name shown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group.</returns>
    /// <exception cref="AlreadyExistsException">The name is taken in the tenant.</exception>
    public Task<Group> CreateAsync(string tenantId, string name, string displayName, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => CreateAsync(c, t, tenantId, name, displayName), cancellationToken);

    /// <summary>Creates an empty group inside a transaction the caller runs (idempotent creates).</summary>
    internal async Task<Group> CreateAsync(DbConnection connection, DbTransaction transaction, string tenantId, string name, string displayName)
    {
        var group = new Group(NewId(), tenantId, name, displayName, [], Time(Ms(time.GetUtcNow())));
        try
        {
            await connection.ExecuteAsync("INSERT INTO groups (id, tenant_id, name, display_name, created_at) VALUES (@Id, @TenantId, @Name, @DisplayName, @createdAt)",
                new { group.Id, group.TenantId, group.Name, group.DisplayName, createdAt = Ms(group.CreatedAt) }, transaction);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("group", "name", name, e);
        }

        return group;
    }

    /// <summary>Gets a group with its members.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group, or null.</returns>
    public Task<Group?> GetAsync(string tenantId, string groupId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<GroupRow>($"SELECT {Columns} FROM groups WHERE tenant_id = @tenantId AND id = @groupId", new { tenantId, groupId }, t);
            return row is null ? null : (await WithMembersAsync(c, t, tenantId, [row]))[0];
        }, cancellationToken);

    /// <summary>Lists the tenant's groups by id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Group>> ListAsync(string tenantId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = PageToken.Decode("groups", page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = (await c.QueryAsync<GroupRow>(
                $"SELECT {Columns} FROM groups WHERE tenant_id = @tenantId AND (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit",
                new { tenantId, after, limit = size + 1 }, t)).ToList();
            return PageToken.ToPage("groups", await WithMembersAsync(c, t, tenantId, rows), size, g => g.Id);
        }, cancellationToken);
    }

    /// <summary>Adds a user of the same tenant to a group.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group after the change, or null when the tenant has no such group or user.</returns>
    public Task<Group?> AddMemberAsync(string tenantId, string groupId, string userId, CancellationToken cancellationToken = default) =>
        ChangeMembersAsync(tenantId, groupId,
            "INSERT INTO group_members (tenant_id, group_id, user_id, added_at) " +
            "SELECT @tenantId, @groupId, u.id, @now FROM users u WHERE u.tenant_id = @tenantId AND u.id = @userId " +
            "AND EXISTS (SELECT 1 FROM groups g WHERE g.tenant_id = @tenantId AND g.id = @groupId) ON CONFLICT DO NOTHING",
            userId, requireUser: true, cancellationToken);

    /// <summary>Removes a user from a group.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="groupId">The group.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group after the change, or null when the tenant has no such group.</returns>
    public Task<Group?> RemoveMemberAsync(string tenantId, string groupId, string userId, CancellationToken cancellationToken = default) =>
        ChangeMembersAsync(tenantId, groupId, "DELETE FROM group_members WHERE tenant_id = @tenantId AND group_id = @groupId AND user_id = @userId",
            userId, requireUser: false, cancellationToken);

    /// <summary>The ids of the groups a user belongs to.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group ids, ascending.</returns>
    public Task<IReadOnlyList<string>> GroupIdsOfAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<string>>(tenantId, async (c, t) => (await c.QueryAsync<string>(
            "SELECT group_id FROM group_members WHERE tenant_id = @tenantId AND user_id = @userId ORDER BY group_id", new { tenantId, userId }, t)).ToList(), cancellationToken);

    private Task<Group?> ChangeMembersAsync(string tenantId, string groupId, string sql, string userId, bool requireUser, CancellationToken cancellationToken) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<GroupRow>($"SELECT {Columns} FROM groups WHERE tenant_id = @tenantId AND id = @groupId", new { tenantId, groupId }, t);
            if (row is null)
            {
                return null;
            }

            if (requireUser && await c.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE tenant_id = @tenantId AND id = @userId", new { tenantId, userId }, t) == 0)
            {
                return null;
            }

            await c.ExecuteAsync(sql, new { tenantId, groupId, userId, now = Ms(time.GetUtcNow()) }, t);
            return (await WithMembersAsync(c, t, tenantId, [row]))[0];
        }, cancellationToken);

    private static async Task<List<Group>> WithMembersAsync(DbConnection c, DbTransaction t, string tenantId, List<GroupRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var members = (await c.QueryAsync<(string GroupId, string UserId)>(
                "SELECT group_id, user_id FROM group_members WHERE tenant_id = @tenantId AND " + InList(c, "group_id", "@ids"),
                new { tenantId, ids = rows.Select(r => r.Id).ToArray() }, t))
            .ToLookup(m => m.GroupId, m => m.UserId);
        return rows.Select(r => new Group(r.Id, r.TenantId, r.Name, r.DisplayName, [.. members[r.Id].Order(StringComparer.Ordinal)], Time(r.CreatedAt))).ToList();
    }

    private sealed class GroupRow
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public long CreatedAt { get; set; }
    }
}
