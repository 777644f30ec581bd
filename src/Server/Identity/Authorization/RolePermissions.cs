using System.Collections.Frozen;
using Atom.V1;

namespace Atom.Server.Identity.Authorization;

/// <summary>What each role may do. The one place roles turn into permissions.</summary>
public static class RolePermissions
{
    private static readonly FrozenDictionary<Role, FrozenSet<Permission>> Grants = new Dictionary<Role, FrozenSet<Permission>>
    {
        [Role.Guest] = FrozenSet<Permission>.Empty,
        [Role.Member] = new[] { Permission.ServerRead, Permission.DirectoryRead, Permission.RoomsCreate, Permission.FilesUpload }.ToFrozenSet(),
        [Role.Auditor] = new[] { Permission.ServerRead, Permission.DirectoryRead, Permission.AuditRead }.ToFrozenSet(),
        [Role.Admin] = new[] { Permission.ServerRead, Permission.DirectoryRead, Permission.DirectoryManage, Permission.ApiKeysManage, Permission.AuditRead, Permission.RoomsCreate, Permission.FilesUpload }.ToFrozenSet(),
        [Role.Owner] = new[] { Permission.ServerRead, Permission.DirectoryRead, Permission.DirectoryManage, Permission.ApiKeysManage, Permission.AuditRead, Permission.RoomsCreate, Permission.FilesUpload }.ToFrozenSet(),
    }.ToFrozenDictionary();

    /// <summary>Whether a caller holds a permission: through one of their roles, or as a platform administrator.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="permission">The permission; unspecified means "any authenticated caller".</param>
    /// <returns>True when allowed.</returns>
    public static bool Allows(Caller caller, Permission permission)
    {
        if (permission == Permission.Unspecified || caller.PlatformAdmin)
        {
            return true;
        }

        // Tenants are a platform concern: no tenant role grants managing them.
        if (permission == Permission.TenantsManage)
        {
            return false;
        }

        foreach (var role in caller.Roles)
        {
            if (Grants.TryGetValue(role, out var permissions) && permissions.Contains(permission))
            {
                return true;
            }
        }

        return false;
    }
}
