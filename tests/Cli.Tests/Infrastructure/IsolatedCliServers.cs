namespace Atom.Cli.Tests.Infrastructure;

/// <summary>
/// A server of its own, for tests whose traces would disturb others: failed sign-ins lock the whole client
/// address (loopback) for a while, which would break every other test's sign-in on a shared server.
/// </summary>
public sealed class IsolatedCliServer : CliServer;

/// <summary>A server whose access tokens live two seconds with no clock skew allowed, so tests can watch them expire and be renewed.</summary>
public sealed class ShortTokenCliServer : CliServer
{
    /// <summary>How long an access token lives.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(2);

    protected override IEnumerable<string> Configuration =>
    [
        $"--Atom:Identity:AccessTokenLifetime={AccessTokenLifetime:c}",
        "--Atom:Identity:ClockSkew=00:00:00",
    ];
}
