using System.Data.Common;
using Atom.V1;
using Dapper;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Internal;

/// <summary>
/// The roles of a principal, one row per role, in a table of its own per kind of principal. Reading and
/// replacing them is the same for users and service accounts; only the table and key column differ
/// (both constants here, never input).
/// </summary>
internal sealed class RoleTable
{
    public static readonly RoleTable Users = new("user_roles", "user_id");

    public static readonly RoleTable ServiceAccounts = new("service_account_roles", "service_account_id");

    private readonly string _table;
    private readonly string _key;

    private RoleTable(string table, string key)
    {
        _table = table;
        _key = key;
    }

    /// <summary>Adds roles to a principal that has none yet (a new one).</summary>
    public async Task AddAsync(DbConnection c, DbTransaction t, string tenantId, string id, IReadOnlyList<Role> roles)
    {
        foreach (var role in roles.Distinct())
        {
            await c.ExecuteAsync($"INSERT INTO {_table} (tenant_id, {_key}, role) VALUES (@tenantId, @id, @role)",
                new { tenantId, id, role = RoleName(role) }, t);
        }
    }

    /// <summary>Replaces a principal's roles.</summary>
    public async Task ReplaceAsync(DbConnection c, DbTransaction t, string tenantId, string id, IReadOnlyList<Role> roles)
    {
        await c.ExecuteAsync($"DELETE FROM {_table} WHERE tenant_id = @tenantId AND {_key} = @id", new { tenantId, id }, t);
        await AddAsync(c, t, tenantId, id, roles);
    }

    /// <summary>The roles of several principals in one query, by principal id.</summary>
    public async Task<ILookup<string, Role>> ReadAsync(DbConnection c, DbTransaction t, string tenantId, IEnumerable<string> ids) =>
        (await c.QueryAsync<(string Id, string Role)>(
            $"SELECT {_key}, role FROM {_table} WHERE tenant_id = @tenantId AND " + InList(c, _key, "@ids"),
            new { tenantId, ids = ids.ToArray() }, t))
        .ToLookup(r => r.Id, r => ParseRole(r.Role));
}
