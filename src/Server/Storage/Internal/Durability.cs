using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Atom.Server.Storage.Internal;

/// <summary>
/// The POSIX calls .NET does not expose: fsync of a directory (so a rename survives a power cut), a rename that reports
/// EXDEV (File.Move silently falls back to copy-and-delete, which would read the file twice and give up the verification),
/// and hard links.
/// </summary>
internal static class Durability
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EXDEV = 18;
    private const int EMLINK = 31;
    private const int ENOTSUP = 95;

    /// <summary>Flushes a written file's data and metadata to the disk.</summary>
    public static void FlushFile(SafeFileHandle file)
    {
        if (!OperatingSystem.IsWindows() && fsync(file) != 0)
        {
            throw Failure("fsync", file.ToString() ?? "file");
        }
    }

    /// <summary>Flushes a directory's entries (names created or renamed in it) to the disk.</summary>
    public static void FlushDirectory(string path)
    {
        // Windows has no directory fsync; NTFS journals the metadata.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = open(NativePath(path), 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw Failure("open", path);
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw Failure("fsync", path);
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Renames a file, replacing <paramref name="to"/>; false when the two are on different filesystems.</summary>
    public static bool TryRename(string from, string to)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(from, to, overwrite: true);
            return true;
        }

        if (rename(NativePath(from), NativePath(to)) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EXDEV ? false : throw Failure("rename", from, errno);
    }

    /// <summary>
    /// Gives a file a second name (a hard link); false when the filesystem cannot (another filesystem, no links), so the
    /// caller copies instead.
    /// </summary>
    public static bool TryHardLink(string existing, string link)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        if (Link(NativePath(existing), NativePath(link)) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is EPERM or EXDEV or EMLINK or ENOTSUP ? false : throw Failure("link", existing, errno);
    }

    private static IOException Failure(string call, string path, int? errno = null)
    {
        errno ??= Marshal.GetLastPInvokeError();
        var message = $"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(errno.Value)}";
        return errno == ENOENT ? new FileNotFoundException(message, path) : new IOException(message);
    }

    // Paths go as NUL-terminated UTF-8 bytes: LibraryImport's string marshalling needs AllowUnsafeBlocks for the whole server.
    private static byte[] NativePath(string path) => Encoding.UTF8.GetBytes(path + '\0');

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(SafeFileHandle fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int rename(byte[] from, byte[] to);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(byte[] existing, byte[] link);
}
