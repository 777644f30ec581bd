namespace Atom.Server.Storage;

/// <summary>Where Atom keeps its relational data (configuration section <c>Atom:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Storage";

    /// <summary>Gets or sets the provider: <c>sqlite</c> (embedded default, a file under Atom:DataDir) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Gets or sets the connection string; required for postgres, optional for sqlite (default: <c>DataDir/atom.db</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how long a statement waits for a lock (SQLite busy timeout, PostgreSQL lock_timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
