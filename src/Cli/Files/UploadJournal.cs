using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Atom.Cli.Profiles;

namespace Atom.Cli.Files;

/// <summary>
/// What makes two runs of <c>atom upload</c> the same upload: the same server, the same file (absolute path, size and
/// content), sent to the same place as the same type. A file that changed is a new upload, never a resumed one.
/// </summary>
/// <param name="Server">The server's address, as <see cref="ProfileStore.NormalizeServer"/> spells it.</param>
/// <param name="Path">The file's absolute path.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its checksum.</param>
/// <param name="RoomId">The room it is shared in, or empty.</param>
/// <param name="Folder">The folder, or empty.</param>
/// <param name="DeclaredType">The media type declared for it, or empty.</param>
internal sealed record UploadKey(string Server, string Path, long Size, string Sha256, string RoomId, string Folder, string DeclaredType)
{
    /// <summary>Gets a name for the key that fits in a file name: a hash of all its parts.</summary>
    /// <returns>32 lowercase hex digits.</returns>
    public string Digest()
    {
        var parts = string.Join('\n', Server, Path, Size.ToString(System.Globalization.CultureInfo.InvariantCulture), Sha256, RoomId, Folder, DeclaredType);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parts)))[..32];
    }
}

/// <summary>An upload begun and not known to be finished, as the journal remembers it.</summary>
internal sealed record PendingUpload
{
    /// <summary>Gets what makes it this upload.</summary>
    public required UploadKey Key { get; init; }

    /// <summary>Gets the server's id of the upload.</summary>
    public required string UploadId { get; init; }

    /// <summary>Gets when it began.</summary>
    public DateTimeOffset BeginTime { get; init; }

    /// <summary>Gets when the server forgets it unless it is completed, when it said.</summary>
    public DateTimeOffset? ExpireTime { get; init; }
}

/// <summary>
/// The uploads <c>atom upload</c> has begun and not finished, so that running the same command again after an
/// interruption (Ctrl+C, a lost connection, a crash) continues from the bytes the server already has: one small
/// JSON file per upload under <c>$XDG_CONFIG_HOME/atom/uploads</c> (beside the profiles, with the same modes), named
/// by a digest of its <see cref="UploadKey"/>, so concurrent uploads of different files never write the same file.
/// </summary>
/// <param name="directory">The directory holding the entries.</param>
internal sealed class UploadJournal(string directory)
{
    /// <summary>Gets the directory holding the entries.</summary>
    public string Directory { get; } = directory;

    /// <summary>The journal the environment points at: <c>$XDG_CONFIG_HOME/atom/uploads</c>, else <c>~/.config/atom/uploads</c>.</summary>
    /// <returns>The journal.</returns>
    public static UploadJournal FromEnvironment() => new(ConfigFiles.Directory("uploads"));

    /// <summary>Gets the file that remembers an upload.</summary>
    /// <param name="key">The upload's key.</param>
    /// <returns>The path.</returns>
    public string PathFor(UploadKey key) => Path.Combine(Directory, key.Digest() + ".json");

    /// <summary>Gets the upload remembered for a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The upload, or null when none is remembered (or the entry is unreadable: then the upload simply starts over).</returns>
    public PendingUpload? Find(UploadKey key)
    {
        try
        {
            var pending = JsonSerializer.Deserialize(File.ReadAllBytes(PathFor(key)), UploadJournalJsonContext.Default.PendingUpload);

            // The digest in the name makes a collision unlikely; this makes it harmless.
            return pending is not null && pending.Key == key && pending.UploadId.Length > 0 ? pending : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Remembers an upload, replacing what was remembered for its key.</summary>
    /// <param name="pending">The upload.</param>
    public void Remember(PendingUpload pending)
    {
        ConfigFiles.EnsureDirectory(Directory);
        ConfigFiles.Replace(PathFor(pending.Key), JsonSerializer.SerializeToUtf8Bytes(pending, UploadJournalJsonContext.Default.PendingUpload));
    }

    /// <summary>Forgets the uploads the server has forgotten by now (past their expiry), and entries that cannot be read.</summary>
    /// <param name="now">The current time.</param>
    public void Prune(DateTimeOffset now)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            PendingUpload? pending;
            try
            {
                pending = JsonSerializer.Deserialize(File.ReadAllBytes(path), UploadJournalJsonContext.Default.PendingUpload);
            }
            catch (JsonException)
            {
                pending = null;
            }
            catch (IOException)
            {
                continue; // gone already, or being replaced by another atom: not this run's to judge
            }

            if (pending is null || pending.ExpireTime < now)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Forgets an upload: it finished, or the server no longer has it.</summary>
    /// <param name="key">The upload's key.</param>
    public void Forget(UploadKey key)
    {
        if (System.IO.Directory.Exists(Directory))
        {
            File.Delete(PathFor(key));
        }
    }
}

/// <summary>The journal's JSON, source-generated so the CLI never reflects over its own types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PendingUpload))]
internal sealed partial class UploadJournalJsonContext : JsonSerializerContext;
