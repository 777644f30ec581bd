using Atom.Cli.Profiles;

namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// One person's machine, as far as the CLI can tell: a config directory of its own (XDG_CONFIG_HOME) and no
/// ATOM_TOKEN, so commands use what <c>atom login</c> stored. Deleted when disposed.
/// </summary>
public sealed class CliHome : IDisposable
{
    public CliHome(string server)
    {
        Server = server;
        ConfigHome = Path.Combine(Path.GetTempPath(), "atom-cli-home-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Gets the server every run talks to unless it says otherwise.</summary>
    public string Server { get; }

    /// <summary>Gets the XDG_CONFIG_HOME the CLI runs with.</summary>
    public string ConfigHome { get; }

    /// <summary>Gets the directory the CLI keeps its profiles in.</summary>
    public string ProfilesDirectory => Path.Combine(ConfigHome, "atom", "profiles");

    internal ProfileStore Profiles => new(ProfilesDirectory);

    /// <summary>Runs <c>atom --server SERVER ARGS</c> with this home.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    /// <summary>Runs <c>atom --server SERVER ARGS</c> with this home, text on stdin, and optionally another server or environment.</summary>
    public Task<CliResult> RunAsync(string[] args, string? stdin, string? server = null, IDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["XDG_CONFIG_HOME"] = ConfigHome };
        return AtomCli.RunAsync(["--server", server ?? Server, .. args], stdin, variables, asAdmin: false);
    }

    /// <summary>Signs in with a password through the CLI, and fails the test when that does not work.</summary>
    public async Task LoginAsync(string email, string password = CliServer.Password, string? server = null, params string[] more)
    {
        var result = await RunAsync(["login", "--email", email, "--password-stdin", .. more], password + "\n", server);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>Reads the stored profile of a server (this home's by default).</summary>
    internal ServerProfile? Profile(string? server = null) => Profiles.Load(server ?? Server);

    public void Dispose()
    {
        if (Directory.Exists(ConfigHome))
        {
            Directory.Delete(ConfigHome, recursive: true);
        }
    }
}
