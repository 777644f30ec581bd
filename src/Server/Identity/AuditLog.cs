using System.Data.Common;
using System.Text.Json;
using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Identity.Internal.StoreSupport;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity;

/// <summary>The security events Atom records; names are <c>area.subject.verb</c>.</summary>
public static class AuditActions
{
    /// <summary>A sign-in succeeded.</summary>
    public const string SignInSucceeded = "auth.sign_in.succeeded";

    /// <summary>A sign-in failed (wrong password, unknown user, bad MFA code, locked).</summary>
    public const string SignInFailed = "auth.sign_in.failed";

    /// <summary>A refresh token was presented twice; its family was revoked.</summary>
    public const string RefreshTokenReplayed = "auth.refresh_token.replayed";

    /// <summary>A session (refresh token family) was ended.</summary>
    public const string SignedOut = "auth.sign_out";

    /// <summary>A password was changed.</summary>
    public const string PasswordChanged = "auth.password.changed";

    /// <summary>TOTP was turned on.</summary>
    public const string MfaEnabled = "auth.mfa.enabled";

    /// <summary>TOTP was turned off.</summary>
    public const string MfaDisabled = "auth.mfa.disabled";

    /// <summary>A recovery code was used.</summary>
    public const string RecoveryCodeUsed = "auth.recovery_code.used";

    /// <summary>An API key was created.</summary>
    public const string ApiKeyCreated = "api_key.created";

    /// <summary>An API key was revoked.</summary>
    public const string ApiKeyRevoked = "api_key.revoked";

    /// <summary>A tenant was created.</summary>
    public const string TenantCreated = "tenant.created";

    /// <summary>A user was created.</summary>
    public const string UserCreated = "user.created";

    /// <summary>A user was disabled.</summary>
    public const string UserDisabled = "user.disabled";

    /// <summary>The roles of a user or service account changed.</summary>
    public const string RolesChanged = "roles.changed";

    /// <summary>A group was created.</summary>
    public const string GroupCreated = "group.created";

    /// <summary>A user joined a group.</summary>
    public const string GroupMemberAdded = "group.member_added";

    /// <summary>A user left a group.</summary>
    public const string GroupMemberRemoved = "group.member_removed";

    /// <summary>A service account was created.</summary>
    public const string ServiceAccountCreated = "service_account.created";

    /// <summary>A service account was disabled.</summary>
    public const string ServiceAccountDisabled = "service_account.disabled";

    /// <summary>The first start created the default tenant, admin and key.</summary>
    public const string BootstrapCompleted = "bootstrap.completed";
}

/// <summary>One security event.</summary>
/// <param name="TenantId">The tenant it happened in; <c>*</c> for events before any tenant is known.</param>
/// <param name="Actor">Who did it: a user, service account or key id; <c>system</c> for the server; <c>anonymous</c>.</param>
/// <param name="Action">What happened, one of <see cref="AuditActions"/>.</param>
/// <param name="Target">What it happened to (an id, an email), or empty.</param>
/// <param name="Address">The client address, or empty.</param>
/// <param name="Detail">Further facts, stored as a JSON object; never secrets.</param>
public sealed record AuditEvent(string TenantId, string Actor, string Action, string Target = "", string Address = "", IReadOnlyDictionary<string, string>? Detail = null);

/// <summary>An audit event as stored.</summary>
/// <param name="Id">The sequence number.</param>
/// <param name="OccurredAt">When it was recorded.</param>
/// <param name="Event">The event.</param>
public sealed record RecordedAuditEvent(long Id, DateTimeOffset OccurredAt, AuditEvent Event);

/// <summary>Appends security events to the append-only <c>audit_events</c> table.</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class AuditLog(AtomDatabase database, TimeProvider time)
{
    /// <summary>Appends an event in its own transaction (as its tenant, or as the platform for tenant <c>*</c>).</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Func<DbConnection, DbTransaction, Task<int>> work = (c, t) => AppendAsync(c, t, auditEvent);
        return auditEvent.TenantId == PlatformTenant ? database.AsPlatformAsync(work, cancellationToken) : database.InTenantAsync(auditEvent.TenantId, work, cancellationToken);
    }

    /// <summary>Appends an event inside a transaction the caller runs, so the event commits with the change it records.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    /// <param name="auditEvent">The event.</param>
    /// <returns>The number of rows written.</returns>
    public Task<int> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return connection.ExecuteAsync(
            "INSERT INTO audit_events (tenant_id, occurred_at, actor, action, target, address, detail) VALUES (@TenantId, @now, @Actor, @Action, @Target, @Address, @detail)",
            new
            {
                auditEvent.TenantId, now = Ms(time.GetUtcNow()), auditEvent.Actor, auditEvent.Action, auditEvent.Target, auditEvent.Address,
                detail = JsonSerializer.Serialize(auditEvent.Detail ?? new Dictionary<string, string>()),
            }, transaction);
    }

    /// <summary>Lists a tenant's events, oldest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<RecordedAuditEvent>> ListAsync(string tenantId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = PageToken.Decode("audit_events", page.PageToken);
        var afterId = after is null ? 0L : long.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var size = page.EffectiveSize;
        Func<DbConnection, DbTransaction, Task<Page<RecordedAuditEvent>>> work = async (c, t) =>
        {
            var rows = await c.QueryAsync<(long Id, long OccurredAt, string TenantId, string Actor, string Action, string Target, string Address, string Detail)>(
                "SELECT id, occurred_at, tenant_id, actor, action, target, address, detail FROM audit_events WHERE tenant_id = @tenantId AND id > @afterId ORDER BY id LIMIT @limit",
                new { tenantId, afterId, limit = size + 1 }, t);
            var events = rows.Select(r => new RecordedAuditEvent(r.Id, Time(r.OccurredAt), new AuditEvent(
                r.TenantId, r.Actor, r.Action, r.Target, r.Address, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Detail)))).ToList();
            return PageToken.ToPage("audit_events", events, size, e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        };
        return tenantId == PlatformTenant ? database.AsPlatformAsync(work, cancellationToken) : database.InTenantAsync(tenantId, work, cancellationToken);
    }
}
