using System.Security.Cryptography;
using System.Text;
using Atom.V1;

namespace Atom.Server.Identity.Internal;

/// <summary>How identity values are stored: roles, principal kinds, hashed secrets. Ids, times and constraint errors are <see cref="Storage.Internal.StoreConventions"/>.</summary>
internal static class StoreSupport
{
    /// <summary>The tenant_id of platform-level rows (signing keys, throttle counters), visible to platform work only.</summary>
    public const string PlatformTenant = "*";

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

    public static string KindName(PrincipalKind kind) => kind == PrincipalKind.User ? "user" : "service_account";

    public static PrincipalKind ParseKind(string name) => name == "user" ? PrincipalKind.User : PrincipalKind.ServiceAccount;
}
