using System.Security.Cryptography;
using System.Text;
using Atom.V1;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Atom.Server.Identity.Internal;

/// <summary>Small conversions every identity store shares: ids, times, roles, hashes, constraint errors.</summary>
internal static class StoreSupport
{
    /// <summary>The tenant_id of platform-level rows (signing keys, throttle counters), visible to platform work only.</summary>
    public const string PlatformTenant = "*";

    /// <summary>A new id: time-ordered (UUIDv7, 32 hex digits), so keyset pagination by id lists in creation order to the millisecond.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>SHA-256 of a high-entropy secret, lower-case hex: the stored form of tokens and keys.</summary>
    public static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string RoleName(Role role) => role switch
    {
        Role.Guest => "guest",
        Role.Member => "member",
        Role.Auditor => "auditor",
        Role.Admin => "admin",
        Role.Owner => "owner",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "A role must be GUEST, MEMBER, AUDITOR, ADMIN or OWNER."),
    };

    public static Role ParseRole(string name) => name switch
    {
        "guest" => Role.Guest,
        "member" => Role.Member,
        "auditor" => Role.Auditor,
        "admin" => Role.Admin,
        "owner" => Role.Owner,
        _ => Role.Unspecified,
    };

    /// <summary>
    /// "column is one of the list": Dapper expands <c>IN @list</c> for SQLite, but hands Npgsql a real array,
    /// which PostgreSQL compares with <c>= ANY(...)</c>.
    /// </summary>
    public static string InList(System.Data.Common.DbConnection connection, string column, string parameter) =>
        connection is NpgsqlConnection ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    public static string KindName(PrincipalKind kind) => kind == PrincipalKind.User ? "user" : "service_account";

    public static PrincipalKind ParseKind(string name) => name == "user" ? PrincipalKind.User : PrincipalKind.ServiceAccount;

    /// <summary>Whether the exception is a unique-constraint violation of either engine.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
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
