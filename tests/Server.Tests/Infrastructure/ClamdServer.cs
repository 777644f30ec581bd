using System.Globalization;
using System.Text;

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// A real clamd for tests, with the local signature set of tests/scripts/clamd.sh (it detects the EICAR test string and
/// has StreamMaxLength 100M): the one ./build.sh test started (ATOM_TEST_CLAMD, its two addresses), or else one this
/// process starts with the script and stops on exit.
/// </summary>
public static class ClamdServer
{
    /// <summary>The name clamd reports for the EICAR test string: the script's signature, with clamd's suffix for local signatures.</summary>
    public const string EicarSignature = "Atom.Test.Eicar.UNOFFICIAL";

    private static readonly Lazy<(string Unix, string Tcp)> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the daemon's unix socket address (<c>unix:/…/clamd.sock</c>).</summary>
    public static string UnixAddress => Server.Value.Unix;

    /// <summary>Gets the daemon's loopback TCP address (<c>tcp://127.0.0.1:PORT</c>).</summary>
    public static string TcpAddress => Server.Value.Tcp;

    /// <summary>
    /// The 68-byte EICAR anti-virus test string, assembled at run time so that no file of the repository holds it whole
    /// (a developer's own scanner would flag the checkout).
    /// </summary>
    public static byte[] EicarTestString() =>
        Encoding.ASCII.GetBytes(string.Concat(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!$H+H*"));

    private static (string Unix, string Tcp) Start()
    {
        var configured = Environment.GetEnvironmentVariable("ATOM_TEST_CLAMD");
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Short: a unix socket path must fit in 107 bytes.
            var dir = Path.Combine(Path.GetTempPath(), "atom-clamd-" + Guid.NewGuid().ToString("N")[..8]);
            // The script's watchdog stops the daemon when this process ends however it ends; StopOnExit is the quick path.
            configured = TestScripts.Run("clamd.sh", "start", dir, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            TestScripts.StopOnExit("clamd.sh", dir);
        }

        var addresses = configured.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return (
            addresses.SingleOrDefault(a => a.StartsWith("unix:", StringComparison.Ordinal)) ?? throw new InvalidOperationException($"No unix: address in '{configured}'."),
            addresses.SingleOrDefault(a => a.StartsWith("tcp://", StringComparison.Ordinal)) ?? throw new InvalidOperationException($"No tcp:// address in '{configured}'."));
    }
}
