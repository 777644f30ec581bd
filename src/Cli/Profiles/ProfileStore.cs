using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atom.Cli.Profiles;

/// <summary>
/// The stored sign-ins: one JSON file per server under <c>$XDG_CONFIG_HOME/atom/profiles</c> (or
/// <c>~/.config/atom/profiles</c>), the directories 0700 and the files 0600, because they hold bearer secrets.
/// Files are replaced by rename, so a reader never sees half a profile; a lock file per server serializes
/// token refreshes between concurrent <c>atom</c> processes.
/// </summary>
/// <param name="directory">The directory holding the profile files.</param>
internal sealed class ProfileStore(string directory)
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);

    /// <summary>Gets the directory holding the profile files.</summary>
    public string Directory { get; } = directory;

    /// <summary>The store the environment points at: <c>$XDG_CONFIG_HOME/atom/profiles</c>, else <c>~/.config/atom/profiles</c>.</summary>
    /// <returns>The store.</returns>
    public static ProfileStore FromEnvironment() => new(ConfigFiles.Directory("profiles"));

    /// <summary>
    /// Spells a server address one way, so <c>HTTP://Host:80/</c> and <c>http://host</c> share a profile:
    /// lower-case scheme and host, the port always written, no trailing slash.
    /// </summary>
    /// <param name="server">The address, as --server takes it.</param>
    /// <returns>The normalized address.</returns>
    public static string NormalizeServer(string server)
    {
        var uri = new Uri(server, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        return $"{uri.Scheme.ToLowerInvariant()}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}{path}";
    }

    /// <summary>Gets the file of a server's profile: readable host and port, plus a hash of the whole address to keep schemes and paths apart.</summary>
    /// <param name="server">The server's address.</param>
    /// <returns>The path.</returns>
    public string PathFor(string server)
    {
        var normalized = NormalizeServer(server);
        var uri = new Uri(normalized);
        var readable = new StringBuilder();
        foreach (var c in $"{uri.Host}_{uri.Port}")
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..12];
        return Path.Combine(Directory, $"{readable}-{hash}.json");
    }

    /// <summary>Gets a value indicating whether a profile exists for a server.</summary>
    /// <param name="server">The server's address.</param>
    /// <returns>True when there is one.</returns>
    public bool Exists(string server) => File.Exists(PathFor(server));

    /// <summary>Reads a server's profile.</summary>
    /// <param name="server">The server's address.</param>
    /// <returns>The profile, or null when there is none.</returns>
    /// <exception cref="UsageException">The file exists but is not a profile.</exception>
    public ServerProfile? Load(string server)
    {
        var path = PathFor(server);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        ServerProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.ServerProfile);
        }
        catch (JsonException e)
        {
            throw new UsageException($"the stored profile {path} is damaged ({e.Message}): run 'atom logout' and 'atom login' again.");
        }

        // The hash in the name makes a collision unlikely; this makes it harmless.
        return profile is not null && profile.Server == NormalizeServer(server) && profile.Token.Length > 0 ? profile : null;
    }

    /// <summary>Writes a server's profile, replacing any other: a new file, mode 0600 from its creation, renamed over the old.</summary>
    /// <param name="profile">The profile; its <see cref="ServerProfile.Server"/> names the server.</param>
    public void Save(ServerProfile profile)
    {
        ConfigFiles.EnsureDirectory(Directory);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(profile with { Server = NormalizeServer(profile.Server) }, ProfileJsonContext.Default.ServerProfile);
        ConfigFiles.Replace(PathFor(profile.Server), bytes);
    }

    /// <summary>Deletes a server's profile.</summary>
    /// <param name="server">The server's address.</param>
    /// <returns>True when there was one.</returns>
    public bool Delete(string server)
    {
        var path = PathFor(server);
        if (!System.IO.Directory.Exists(Directory))
        {
            return false;
        }

        var existed = File.Exists(path);
        File.Delete(path);
        File.Delete(path + ".lock");
        return existed;
    }

    /// <summary>
    /// Takes the server's profile lock, held until disposed, so two processes never refresh with the same refresh
    /// token: the server would take the second use for a stolen token and revoke the whole session.
    /// </summary>
    /// <param name="server">The server's address.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held lock.</returns>
    public async Task<IDisposable> LockAsync(string server, CancellationToken cancellationToken)
    {
        ConfigFiles.EnsureDirectory(Directory);
        var path = PathFor(server) + ".lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock (flock) on Unix, released when the process dies.
                return new FileStream(path, ConfigFiles.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (waited.Elapsed < LockPatience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UsageException($"cannot lock {path} ({e.Message}): another atom process seems stuck refreshing the sign-in.");
            }
        }
    }
}
