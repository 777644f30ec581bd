using Microsoft.Data.Sqlite;
using Npgsql;

namespace Atom.Server.Storage.Internal;

/// <summary>
/// How every store writes what both engines must agree on: ids, times, lists and constraint errors. Values of one area
/// (roles, room visibilities) have their own support class beside that area's stores.
/// </summary>
internal static class StoreConventions
{
    /// <summary>A new id: time-ordered (UUIDv7, 32 hex digits), so keyset pagination by id lists in creation order to the millisecond.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>A time as stored: Unix milliseconds.</summary>
    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>An optional time as stored: Unix milliseconds, or null.</summary>
    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    /// <summary>A stored time read back.</summary>
    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>An optional stored time read back.</summary>
    public static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>
    /// "column is one of the list": Dapper expands <c>IN @list</c> for SQLite, but hands Npgsql a real array,
    /// which PostgreSQL compares with <c>= ANY(...)</c>.
    /// </summary>
    public static string InList(System.Data.Common.DbConnection connection, string column, string parameter) =>
        connection is NpgsqlConnection ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    /// <summary>A LIKE pattern matching lower-case text that contains <paramref name="text"/>, with LIKE's wildcards taken literally (ESCAPE '\').</summary>
    public static string ContainsPattern(string text) => "%" + StartsWithPattern(text);

    /// <summary>A LIKE pattern matching lower-case text that starts with <paramref name="text"/>, with LIKE's wildcards taken literally (ESCAPE '\').</summary>
    public static string StartsWithPattern(string text) =>
        text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// Locks the rows a claim's subquery picks, passing over rows another claimer has locked (PostgreSQL). SQLite
    /// needs nothing: its write transactions run one at a time.
    /// </summary>
    public static string SkipLocked(System.Data.Common.DbConnection connection) =>
        connection is NpgsqlConnection ? " FOR UPDATE SKIP LOCKED" : string.Empty;

    /// <summary>Whether the exception is a unique-constraint violation of either engine.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    /// <summary>
    /// Whether the exception says the store was busy rather than that the request was wrong: SQLite's lock still held
    /// after the busy timeout, or PostgreSQL's serialization failures, deadlocks and lock timeouts. The transaction rolled
    /// back, so the same request may simply be tried again.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.TooManyConnections,
        _ => false,
    };

    /// <summary>Whether the exception is a foreign-key violation of either engine.</summary>
    public static bool IsForeignKeyViolation(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 787,
        _ => false,
    };
}
