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

/// <summary>A server that tests stop and start again under running clients; it gives open calls one second to end when stopping.</summary>
public sealed class RestartableCliServer : CliServer
{
    protected override IEnumerable<string> Configuration => ["--Atom:ShutdownTimeout=00:00:01"];
}

/// <summary>
/// A server that cuts a live stream off as too slow (SUBSCRIBER_TOO_SLOW) once it is 4 events behind, and lets one
/// user send as fast as they like, so a test can flood a room faster than a blocked client reads it.
/// </summary>
public sealed class SlowConsumerCliServer : CliServer
{
    protected override IEnumerable<string> Configuration =>
    [
        "--Atom:Chat:Streams:QueueCapacity=4",
        "--Atom:Chat:SendBurst=100000",
        "--Atom:Chat:SendsPerSecond=100000",
    ];
}
