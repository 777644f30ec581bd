using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Identity.Credentials;

/// <summary>Whether a sign-in attempt may proceed.</summary>
/// <param name="Allowed">True when it may.</param>
/// <param name="RetryAfter">When locked: how long until the next attempt is allowed.</param>
public sealed record ThrottleDecision(bool Allowed, TimeSpan RetryAfter)
{
    /// <summary>Gets the decision that lets an attempt through.</summary>
    public static ThrottleDecision Allow { get; } = new(true, TimeSpan.Zero);
}

/// <summary>
/// Slows password guessing. Failed sign-ins are counted per account (tenant + email) and per client address in
/// a 15-minute window; from the 5th failure of an account (the 25th of an address, which may be a whole office
/// behind one NAT) in a window the key is locked for 30 seconds, doubling with every further failure up to 15
/// minutes. A successful sign-in resets the account's count (not the address's: one
/// address trying many accounts stays slowed). Counters live in <c>sign_in_throttle</c>, so every node sees them.
/// </summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class SignInThrottle(AtomDatabase database, TimeProvider time)
{
    /// <summary>The failures of one account in a window that start its lockout.</summary>
    public const int Threshold = 5;

    /// <summary>The failures from one address in a window that start its lockout: higher, as many people may share an address.</summary>
    public const int AddressThreshold = 25;

    /// <summary>The window failures are counted in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The first lockout.</summary>
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);

    /// <summary>The longest lockout.</summary>
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    /// <summary>Checks whether an attempt for an account from an address may proceed.</summary>
    /// <param name="tenantId">The tenant (or its name, consistently) the sign-in is for.</param>
    /// <param name="email">The email typed.</param>
    /// <param name="address">The client address, or empty when unknown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Allowed, or locked with the time to wait.</returns>
    public Task<ThrottleDecision> CheckAsync(string tenantId, string email, string? address, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync(async (c, t) =>
        {
            var now = Ms(time.GetUtcNow());
            var locked = await c.QuerySingleOrDefaultAsync<long?>(
                $"SELECT max(locked_until) FROM sign_in_throttle WHERE tenant_id = '*' AND {InList(c, "key", "@keys")} AND locked_until > @now",
                new { keys = Keys(tenantId, email, address), now }, t);
            return locked is { } until ? new ThrottleDecision(false, TimeSpan.FromMilliseconds(until - now)) : ThrottleDecision.Allow;
        }, cancellationToken);

    /// <summary>Counts a failed attempt against the account and the address.</summary>
    /// <param name="tenantId">The tenant (or its name, consistently).</param>
    /// <param name="email">The email typed.</param>
    /// <param name="address">The client address, or empty when unknown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision for the next attempt.</returns>
    public async Task<ThrottleDecision> RecordFailureAsync(string tenantId, string email, string? address, CancellationToken cancellationToken = default)
    {
        await database.AsPlatformAsync(async (c, t) =>
        {
            var now = Ms(time.GetUtcNow());
            foreach (var key in Keys(tenantId, email, address))
            {
                // One atomic upsert counts the failure, so concurrent attempts on several nodes are all counted.
                var failures = await c.ExecuteScalarAsync<long>(
                    "INSERT INTO sign_in_throttle (key, tenant_id, failures, window_start) VALUES (@key, '*', 1, @now) " +
                    "ON CONFLICT (key) DO UPDATE SET " +
                    "failures = CASE WHEN @now - sign_in_throttle.window_start < @window THEN sign_in_throttle.failures + 1 ELSE 1 END, " +
                    "window_start = CASE WHEN @now - sign_in_throttle.window_start < @window THEN sign_in_throttle.window_start ELSE @now END " +
                    "RETURNING failures",
                    new { key, now, window = (long)Window.TotalMilliseconds }, t);
                var threshold = key.StartsWith(AddressPrefix, StringComparison.Ordinal) ? AddressThreshold : Threshold;
                if (failures >= threshold)
                {
                    await c.ExecuteAsync("UPDATE sign_in_throttle SET locked_until = @until WHERE tenant_id = '*' AND key = @key",
                        new { key, until = now + (long)Lockout(failures - threshold + Threshold).TotalMilliseconds }, t);
                }
            }

            return true;
        }, cancellationToken);
        return await CheckAsync(tenantId, email, address, cancellationToken);
    }

    /// <summary>Resets the account's count after a successful sign-in.</summary>
    /// <param name="tenantId">The tenant (or its name, consistently).</param>
    /// <param name="email">The email.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task RecordSuccessAsync(string tenantId, string email, CancellationToken cancellationToken = default) =>
        database.AsPlatformAsync((c, t) => c.ExecuteAsync("DELETE FROM sign_in_throttle WHERE tenant_id = '*' AND key = @key",
            new { key = AccountKey(tenantId, email) }, t), cancellationToken);

    /// <summary>The lockout after the given number of failures in a window (from the threshold on).</summary>
    /// <param name="failures">The failures so far.</param>
    /// <returns>The lockout.</returns>
    public static TimeSpan Lockout(long failures)
    {
        var doublings = (int)Math.Clamp(failures - Threshold, 0, 20);
        var lockout = FirstLockout * Math.Pow(2, doublings);
        return lockout > MaxLockout ? MaxLockout : lockout;
    }

    private const string AddressPrefix = "address:";

    private static string AccountKey(string tenantId, string email) => "account:" + tenantId.ToLowerInvariant() + ":" + email.Trim().ToLowerInvariant();

    private static string[] Keys(string tenantId, string email, string? address) =>
        string.IsNullOrEmpty(address) ? [AccountKey(tenantId, email)] : [AccountKey(tenantId, email), AddressPrefix + address];
}
