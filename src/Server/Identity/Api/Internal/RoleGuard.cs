using Atom.Server.Identity.Authorization;
using Atom.V1;

namespace Atom.Server.Identity.Api.Internal;

/// <summary>
/// Who may hand out or take away power. DIRECTORY_MANAGE lets admins manage people, but not make themselves or
/// anyone else an owner, and not touch owners or platform administrators: only owners (and platform
/// administrators) may.
/// </summary>
internal static class RoleGuard
{
    public static void EnsureMayGrant(Caller caller, IReadOnlyCollection<Role> roles)
    {
        if (roles.Contains(Role.Owner) && !IsOwner(caller))
        {
            throw IdentityErrors.Denied("Only owners may grant the owner role.");
        }
    }

    public static void EnsureMayManage(Caller caller, IReadOnlyCollection<Role> targetRoles, bool targetIsPlatformAdmin)
    {
        if (targetIsPlatformAdmin && !caller.PlatformAdmin)
        {
            throw IdentityErrors.Denied("Only platform administrators may change a platform administrator.");
        }

        if (targetRoles.Contains(Role.Owner) && !IsOwner(caller))
        {
            throw IdentityErrors.Denied("Only owners may change an owner.");
        }
    }

    private static bool IsOwner(Caller caller) => caller.PlatformAdmin || caller.Roles.Contains(Role.Owner);
}
