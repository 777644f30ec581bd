namespace Atom.Server.Storage;

/// <summary>
/// What differs between the SQL engines Atom runs on. Stores write plain SQL that both accept
/// (both have RETURNING, ON CONFLICT, window functions); where they differ they ask the dialect.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The embedded SQLite dialect.</summary>
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    /// <summary>The PostgreSQL dialect.</summary>
    public static readonly SqlDialect Postgres = new PostgresDialect();

    /// <summary>Gets the provider name, as in configuration and in migration folders: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether the engine enforces row-level security (PostgreSQL), so a missed tenant filter still leaks nothing.</summary>
    public abstract bool HasRowLevelSecurity { get; }

    /// <summary>Gets the operator for case-insensitive equality of text, e.g. emails.</summary>
    public abstract string CaseInsensitiveEquals(string left, string right);

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Name => "sqlite";

        public override bool HasRowLevelSecurity => false;

        public override string CaseInsensitiveEquals(string left, string right) => $"{left} = {right} COLLATE NOCASE";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Name => "postgres";

        public override bool HasRowLevelSecurity => true;

        public override string CaseInsensitiveEquals(string left, string right) => $"lower({left}) = lower({right})";
    }
}
