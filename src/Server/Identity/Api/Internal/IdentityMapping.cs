using Google.Protobuf.WellKnownTypes;
using V1 = Atom.V1;

namespace Atom.Server.Identity.Api.Internal;

/// <summary>Turns identity records into their contract messages. Secrets have no mapping: they are not in these records.</summary>
internal static class IdentityMapping
{
    public static V1.Tenant ToProto(this Tenant tenant) => new()
    {
        Id = tenant.Id,
        Name = tenant.Name,
        DisplayName = tenant.DisplayName,
        CreateTime = Timestamp.FromDateTimeOffset(tenant.CreatedAt),
        Disabled = tenant.IsDisabled,
    };

    public static V1.User ToProto(this User user) => new()
    {
        Id = user.Id,
        TenantId = user.TenantId,
        Email = user.Email,
        DisplayName = user.DisplayName,
        Roles = { user.Roles },
        Disabled = user.IsDisabled,
        MfaEnabled = user.MfaEnabled,
        PlatformAdmin = user.PlatformAdmin,
        CreateTime = Timestamp.FromDateTimeOffset(user.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(user.UpdatedAt),
    };

    public static V1.Group ToProto(this Group group) => new()
    {
        Id = group.Id,
        Name = group.Name,
        DisplayName = group.DisplayName,
        MemberIds = { group.MemberIds },
        CreateTime = Timestamp.FromDateTimeOffset(group.CreatedAt),
    };

    public static V1.ServiceAccount ToProto(this ServiceAccount account) => new()
    {
        Id = account.Id,
        Name = account.Name,
        DisplayName = account.DisplayName,
        Roles = { account.Roles },
        Disabled = account.IsDisabled,
        CreateTime = Timestamp.FromDateTimeOffset(account.CreatedAt),
    };

    public static V1.ApiKey ToProto(this ApiKey key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Prefix = key.Prefix,
        Scopes = { key.Scopes },
        PrincipalId = key.PrincipalId,
        CreateTime = Timestamp.FromDateTimeOffset(key.CreatedAt),
        ExpireTime = key.ExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        LastUsedTime = key.LastUsedAt is { } used ? Timestamp.FromDateTimeOffset(used) : null,
        RevokeTime = key.RevokedAt is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
    };
}
