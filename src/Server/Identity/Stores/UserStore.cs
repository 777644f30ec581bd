using Atom.Server.Identity.Internal;
using System.Data.Common;
using Atom.Server.Storage;
using Atom.V1;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Stores;

/// <summary>
/// Users of a tenant with their roles, password hashes, TOTP state and recovery codes. Every call names the
/// tenant and runs as it: an id from another tenant finds nothing.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="changes">Bumped when a change can end or narrow someone's access.</param>
public sealed class UserStore(AtomDatabase database, TimeProvider time, AccessChanges changes)
{
    private const string Columns =
        "id AS Id, tenant_id AS TenantId, email AS Email, display_name AS DisplayName, platform_admin AS PlatformAdmin, " +
        "password_hash IS NOT NULL AS HasPassword, mfa_enabled_at IS NOT NULL AS MfaEnabled, created_at AS CreatedAt, updated_at AS UpdatedAt, disabled_at AS DisabledAt";

    /// <summary>Creates a user with roles.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="user">The new user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user.</returns>
    /// <exception cref="AlreadyExistsException">The email is taken in the tenant (case-insensitively).</exception>
    public Task<User> CreateAsync(string tenantId, NewUser user, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => CreateAsync(c, t, tenantId, user), cancellationToken);

    /// <summary>Creates a user inside a transaction the caller runs (bootstrap).</summary>
    internal async Task<User> CreateAsync(DbConnection connection, DbTransaction transaction, string tenantId, NewUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrWhiteSpace(user.Email);
        var id = NewId();
        var now = Ms(time.GetUtcNow());
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO users (id, tenant_id, email, display_name, password_hash, platform_admin, created_at, updated_at) " +
                "VALUES (@id, @tenantId, @Email, @DisplayName, @PasswordHash, @PlatformAdmin, @now, @now)",
                new { id, tenantId, user.Email, user.DisplayName, user.PasswordHash, user.PlatformAdmin, now }, transaction);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new AlreadyExistsException("user", "email", user.Email, e);
        }

        await RoleTable.Users.AddAsync(connection, transaction, tenantId, id, user.Roles);
        return (await ReadAsync(connection, transaction, tenantId, "id = @id", new { tenantId, id }))!;
    }

    /// <summary>Gets a user of the tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null when the tenant has no such user.</returns>
    public Task<User?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, "id = @userId", new { tenantId, userId }), cancellationToken);

    /// <summary>Finds a user of the tenant by email, case-insensitively.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="email">The email.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null.</returns>
    public Task<User?> FindByEmailAsync(string tenantId, string email, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, (c, t) => ReadAsync(c, t, tenantId, database.Dialect.CaseInsensitiveEquals("email", "@email"), new { tenantId, email }), cancellationToken);

    /// <summary>Gets a user's secrets: password hash and TOTP state.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credentials, or null when the tenant has no such user.</returns>
    public Task<UserCredentials?> GetCredentialsAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<CredentialsRow>(
                "SELECT password_hash AS PasswordHash, mfa_secret AS MfaSecret, mfa_enabled_at AS MfaEnabledAt, mfa_last_step AS MfaLastStep " +
                "FROM users WHERE tenant_id = @tenantId AND id = @userId", new { tenantId, userId }, t);
            return row is null ? null : new UserCredentials(row.PasswordHash, row.MfaSecret, Time(row.MfaEnabledAt), row.MfaLastStep);
        }, cancellationToken);

    /// <summary>Lists the tenant's users by id (time-ordered ids: creation order, to the millisecond).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="page">The page.</param>
    /// <param name="includeDisabled">Whether disabled users are listed too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<User>> ListAsync(string tenantId, PageRequest page, bool includeDisabled = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var scope = includeDisabled ? "users+disabled" : "users";
        var after = PageToken.Decode(scope, page.PageToken);
        var size = page.EffectiveSize;
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            var rows = (await c.QueryAsync<UserRow>(
                $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND (@after IS NULL OR id > @after) " +
                (includeDisabled ? string.Empty : "AND disabled_at IS NULL ") + "ORDER BY id LIMIT @limit",
                new { tenantId, after, limit = size + 1 }, t)).ToList();
            var users = await WithRolesAsync(c, t, tenantId, rows);
            return PageToken.ToPage(scope, users, size, u => u.Id);
        }, cancellationToken);
    }

    /// <summary>Finds active users whose display name or email starts with some text, by display name.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="prefix">The text, matched case-insensitively.</param>
    /// <param name="limit">The most users.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The users.</returns>
    public Task<IReadOnlyList<User>> FindByPrefixAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken = default) =>
        database.InTenantAsync<IReadOnlyList<User>>(tenantId, async (c, t) => await WithRolesAsync(c, t, tenantId, (await c.QueryAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND disabled_at IS NULL " +
            "AND (lower(display_name) LIKE @pattern ESCAPE '\\' OR lower(email) LIKE @pattern ESCAPE '\\') ORDER BY lower(display_name), id LIMIT @limit",
            new { tenantId, pattern = StartsWithPattern(prefix), limit }, t)).ToList()), cancellationToken);

    /// <summary>Changes a user's email and/or display name (null leaves a field as it is).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="email">The new email, or null.</param>
    /// <param name="displayName">The new display name, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user after the change, or null when there is no such user.</returns>
    /// <exception cref="AlreadyExistsException">The new email is taken.</exception>
    public Task<User?> UpdateAsync(string tenantId, string userId, string? email, string? displayName, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            try
            {
                await c.ExecuteAsync(
                    "UPDATE users SET email = COALESCE(@email, email), display_name = COALESCE(@displayName, display_name), updated_at = @now " +
                    "WHERE tenant_id = @tenantId AND id = @userId",
                    new { tenantId, userId, email, displayName, now = Ms(time.GetUtcNow()) }, t);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                throw new AlreadyExistsException("user", "email", email ?? string.Empty, e);
            }

            return await ReadAsync(c, t, tenantId, "id = @userId", new { tenantId, userId });
        }, cancellationToken);

    /// <summary>Replaces a user's roles.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="roles">The new set of roles.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user after the change, or null when there is no such user.</returns>
    public async Task<User?> SetRolesAsync(string tenantId, string userId, IReadOnlyList<Role> roles, CancellationToken cancellationToken = default)
    {
        var result = await database.InTenantAsync(tenantId, async (c, t) =>
        {
            if (await c.ExecuteAsync("UPDATE users SET updated_at = @now WHERE tenant_id = @tenantId AND id = @userId",
                    new { tenantId, userId, now = Ms(time.GetUtcNow()) }, t) == 0)
            {
                return null;
            }

            await RoleTable.Users.ReplaceAsync(c, t, tenantId, userId, roles);
            return await ReadAsync(c, t, tenantId, "id = @userId", new { tenantId, userId });
        }, cancellationToken);
        changes.Changed();
        return result;
    }

    /// <summary>Sets (or, with null, removes) a user's password hash.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="passwordHash">The new hash from <see cref="Credentials.PasswordHasher"/>, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user.</returns>
    public Task<bool> SetPasswordHashAsync(string tenantId, string userId, string? passwordHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync(tenantId, "UPDATE users SET password_hash = @passwordHash, updated_at = @now WHERE tenant_id = @tenantId AND id = @userId",
            new { tenantId, userId, passwordHash, now = Ms(time.GetUtcNow()) }, cancellationToken);

    /// <summary>Disables a user; they can no longer sign in, refresh or use their API keys.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user or it was already disabled.</returns>
    public async Task<bool> DisableAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(tenantId, "UPDATE users SET disabled_at = @now, updated_at = @now WHERE tenant_id = @tenantId AND id = @userId AND disabled_at IS NULL",
            new { tenantId, userId, now = Ms(time.GetUtcNow()) }, cancellationToken);
        changes.Changed();
        return result;
    }

    /// <summary>Stores a new, not yet confirmed TOTP secret (TOTP stays off until <see cref="EnableMfaAsync"/>).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="base32Secret">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user.</returns>
    public Task<bool> SetPendingMfaSecretAsync(string tenantId, string userId, string base32Secret, CancellationToken cancellationToken = default) =>
        ExecuteAsync(tenantId,
            "UPDATE users SET mfa_secret = @base32Secret, mfa_enabled_at = NULL, mfa_last_step = NULL, updated_at = @now WHERE tenant_id = @tenantId AND id = @userId",
            new { tenantId, userId, base32Secret, now = Ms(time.GetUtcNow()) }, cancellationToken);

    /// <summary>Turns TOTP on, recording the step of the confirming code, and replaces the recovery codes.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="confirmedStep">The step of the code that confirmed enrolment.</param>
    /// <param name="recoveryCodeHashes">The hashes of the new recovery codes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user or no pending secret.</returns>
    public Task<bool> EnableMfaAsync(string tenantId, string userId, long confirmedStep, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            var now = Ms(time.GetUtcNow());
            if (await c.ExecuteAsync(
                    "UPDATE users SET mfa_enabled_at = @now, mfa_last_step = @confirmedStep, updated_at = @now " +
                    "WHERE tenant_id = @tenantId AND id = @userId AND mfa_secret IS NOT NULL",
                    new { tenantId, userId, confirmedStep, now }, t) == 0)
            {
                return false;
            }

            await ReplaceRecoveryCodesAsync(c, t, tenantId, userId, recoveryCodeHashes);
            return true;
        }, cancellationToken);

    /// <summary>Turns TOTP off and removes the secret and recovery codes.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when there is no such user.</returns>
    public Task<bool> DisableMfaAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            await ReplaceRecoveryCodesAsync(c, t, tenantId, userId, []);
            return await c.ExecuteAsync(
                "UPDATE users SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, updated_at = @now WHERE tenant_id = @tenantId AND id = @userId",
                new { tenantId, userId, now = Ms(time.GetUtcNow()) }, t) == 1;
        }, cancellationToken);

    /// <summary>
    /// Records a TOTP step as used, only if it is later than the last one: the compare-and-set that makes a code
    /// single-use even when two sign-ins race with the same code.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="step">The matched step.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the step (or a later one) was already used.</returns>
    public Task<bool> TryAdvanceMfaStepAsync(string tenantId, string userId, long step, CancellationToken cancellationToken = default) =>
        ExecuteAsync(tenantId,
            "UPDATE users SET mfa_last_step = @step WHERE tenant_id = @tenantId AND id = @userId AND (mfa_last_step IS NULL OR mfa_last_step < @step)",
            new { tenantId, userId, step }, cancellationToken);

    /// <summary>Replaces a user's recovery codes.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="codeHashes">The hashes (<see cref="Credentials.RecoveryCodes.Hash"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task ReplaceRecoveryCodesAsync(string tenantId, string userId, IReadOnlyList<string> codeHashes, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) =>
        {
            await ReplaceRecoveryCodesAsync(c, t, tenantId, userId, codeHashes);
            return true;
        }, cancellationToken);

    /// <summary>Uses a recovery code: succeeds once per code.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="codeHash">The hash of the code presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the code existed and was unused.</returns>
    public Task<bool> TryUseRecoveryCodeAsync(string tenantId, string userId, string codeHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync(tenantId,
            "UPDATE recovery_codes SET used_at = @now WHERE tenant_id = @tenantId AND user_id = @userId AND code_hash = @codeHash AND used_at IS NULL",
            new { tenantId, userId, codeHash, now = Ms(time.GetUtcNow()) }, cancellationToken);

    /// <summary>Counts a user's unused recovery codes.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public Task<int> CountUnusedRecoveryCodesAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => (int)await c.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM recovery_codes WHERE tenant_id = @tenantId AND user_id = @userId AND used_at IS NULL", new { tenantId, userId }, t), cancellationToken);

    private Task<bool> ExecuteAsync(string tenantId, string sql, object parameters, CancellationToken cancellationToken) =>
        database.InTenantAsync(tenantId, async (c, t) => await c.ExecuteAsync(sql, parameters, t) == 1, cancellationToken);

    private static async Task ReplaceRecoveryCodesAsync(DbConnection c, DbTransaction t, string tenantId, string userId, IReadOnlyList<string> hashes)
    {
        await c.ExecuteAsync("DELETE FROM recovery_codes WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, t);
        foreach (var codeHash in hashes.Distinct())
        {
            await c.ExecuteAsync("INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES (@tenantId, @userId, @codeHash)", new { tenantId, userId, codeHash }, t);
        }
    }

    private static async Task<User?> ReadAsync(DbConnection c, DbTransaction t, string tenantId, string where, object parameters)
    {
        var row = await c.QuerySingleOrDefaultAsync<UserRow>($"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND {where}", parameters, t);
        return row is null ? null : (await WithRolesAsync(c, t, tenantId, [row]))[0];
    }

    private static async Task<List<User>> WithRolesAsync(DbConnection c, DbTransaction t, string tenantId, List<UserRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var roles = await RoleTable.Users.ReadAsync(c, t, tenantId, rows.Select(r => r.Id));
        return rows.Select(r => new User(
            r.Id, r.TenantId, r.Email, r.DisplayName, [.. roles[r.Id].Order()], r.PlatformAdmin, r.HasPassword, r.MfaEnabled,
            Time(r.CreatedAt), Time(r.UpdatedAt), Time(r.DisabledAt))).ToList();
    }

    private sealed class UserRow
    {
        public string Id { get; set; } = string.Empty;

        public string TenantId { get; set; } = string.Empty;

        public string Email { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public bool PlatformAdmin { get; set; }

        public bool HasPassword { get; set; }

        public bool MfaEnabled { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public long? DisabledAt { get; set; }
    }

    private sealed class CredentialsRow
    {
        public string? PasswordHash { get; set; }

        public string? MfaSecret { get; set; }

        public long? MfaEnabledAt { get; set; }

        public long? MfaLastStep { get; set; }
    }
}
