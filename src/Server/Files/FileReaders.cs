using Atom.Server.Files.Stores;
using Atom.Server.Identity.Authorization;
using Atom.V1;

namespace Atom.Server.Files;

/// <summary>
/// Who may read a file, decided in one place: its owner, the readers of the room it is shared in, and the tenant's
/// admins and owners. To anyone else it does not exist.
/// </summary>
/// <param name="files">The files.</param>
/// <param name="rooms">Room access.</param>
public sealed class FileReaders(FileStore files, IRoomAccess rooms)
{
    /// <summary>Whether a caller is one of the tenant's admins or owners.</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>True for admins and owners.</returns>
    public static bool IsTenantAdmin(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Roles.Contains(Role.Admin) || caller.Roles.Contains(Role.Owner);
    }

    /// <summary>Gets a file the caller may read.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="fileId">The file.</param>
    /// <param name="withText">Whether to read its extracted text too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or null when there is no such file the caller may read.</returns>
    public async Task<FileRecord?> FindAsync(Caller caller, string fileId, bool withText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var file = await files.GetAsync(caller.TenantId, fileId, withText, cancellationToken);
        return file is not null && (file.OwnerId == caller.PrincipalId || IsTenantAdmin(caller)
            || (file.RoomId.Length > 0 && await rooms.FindAsync(caller.TenantId, file.RoomId, caller.PrincipalId, cancellationToken) is not null))
            ? file
            : null;
    }
}
