using Atom.Server.Storage;
using Dapper;
using static Atom.Server.Storage.Internal.StoreConventions;

namespace Atom.Server.Voice.Profiles;

/// <summary>How a user likes to be spoken to: a voice, a rate and a pitch; empty or 0 where they have no preference.</summary>
/// <param name="Voice">The voice's name; empty for the server's default.</param>
/// <param name="Rate">Speed, 0.5 to 2; 0 for normal.</param>
/// <param name="Pitch">Pitch, 0.5 to 2; 0 for normal.</param>
public sealed record VoiceProfile(string Voice, float Rate, float Pitch)
{
    /// <summary>Gets the profile of a user who has never set one.</summary>
    public static VoiceProfile None { get; } = new(string.Empty, 0, 0);
}

/// <summary>Each user's voice profile.</summary>
/// <param name="database">The store.</param>
/// <param name="time">The clock.</param>
public sealed class VoiceProfileStore(AtomDatabase database, TimeProvider time)
{
    /// <summary>Gets a user's profile.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The profile; <see cref="VoiceProfile.None"/> when they have never set one.</returns>
    public Task<VoiceProfile> GetAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
        database.InTenantAsync(tenantId, async (c, t) => await c.QuerySingleOrDefaultAsync<ProfileRow>(
            "SELECT voice AS Voice, rate AS Rate, pitch AS Pitch FROM voice_profiles WHERE tenant_id = @tenantId AND user_id = @userId",
            new { tenantId, userId }, t) is { } row ? new VoiceProfile(row.Voice, (float)row.Rate, (float)row.Pitch) : VoiceProfile.None, cancellationToken);

    /// <summary>Sets a user's profile.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="userId">The user.</param>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The profile as stored.</returns>
    public Task<VoiceProfile> SetAsync(string tenantId, string userId, VoiceProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return database.InTenantAsync(tenantId, async (c, t) =>
        {
            await c.ExecuteAsync(
                "INSERT INTO voice_profiles (tenant_id, user_id, voice, rate, pitch, updated_at) VALUES (@tenantId, @userId, @Voice, @Rate, @Pitch, @now) " +
                "ON CONFLICT (tenant_id, user_id) DO UPDATE SET voice = @Voice, rate = @Rate, pitch = @Pitch, updated_at = @now",
                new { tenantId, userId, profile.Voice, profile.Rate, profile.Pitch, now = Ms(time.GetUtcNow()) }, t);
            return profile;
        }, cancellationToken);
    }

    // SQLite's REAL reads back as a double, PostgreSQL's as a float.
    private sealed class ProfileRow
    {
        public string Voice { get; set; } = string.Empty;

        public double Rate { get; set; }

        public double Pitch { get; set; }
    }
}
