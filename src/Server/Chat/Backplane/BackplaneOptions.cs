namespace Atom.Server.Chat.Backplane;

/// <summary>
/// How chat's live delivery reaches the other server nodes. The kind is chosen by <c>Atom:Backplane</c>
/// (<c>inprocess</c>, the default, or <c>postgres</c>); the limits below live in <c>Atom:Chat:Backplane</c>.
/// </summary>
public sealed class BackplaneOptions
{
    /// <summary>The configuration key that chooses the kind.</summary>
    public const string KindKey = "Atom:Backplane";

    /// <summary>The configuration section of the limits.</summary>
    public const string Section = "Atom:Chat:Backplane";

    /// <summary>The kind for a single node: delivery stays in the process.</summary>
    public const string InProcess = "inprocess";

    /// <summary>The kind for several nodes sharing one PostgreSQL database: LISTEN/NOTIFY.</summary>
    public const string Postgres = "postgres";

    /// <summary>Gets or sets how long the listener waits before its first reconnect attempt; each failure doubles it.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest wait between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often an idle listening connection is probed, so a dead one is noticed and replaced.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how many announcements may wait to be sent, and how many received notifications may wait to be
    /// handled, before more are dropped (a drop delays delivery until the room's next event or a resync, it loses nothing).
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets the most stored events read for one notification; subscriptions read anything older themselves.</summary>
    public int MaxEventsPerNotification { get; set; } = 200;
}
