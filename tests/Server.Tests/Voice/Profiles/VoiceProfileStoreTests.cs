using Atom.Server.Tests.Identity;
using Atom.Server.Tests.Storage;
using Atom.Server.Voice.Profiles;
using Dapper;

namespace Atom.Server.Tests.Voice.Profiles;

/// <summary>Voice profiles on both engines: none until set, then each user's own, per tenant.</summary>
public sealed class VoiceProfileStoreTests
{
    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task A_profile_is_none_until_set_and_then_each_users_own(string provider)
    {
        var database = await StoreProvider.CreateMigratedAsync(provider);
        await database.AsPlatformAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO tenants (id, tenant_id, name, display_name, created_at) VALUES ('a', 'a', 'alpha', 'Alpha', 0), ('b', 'b', 'beta', 'Beta', 0)", transaction: t));
        var store = new VoiceProfileStore(database, new ManualClock(DateTimeOffset.UnixEpoch));

        Assert.Equal(VoiceProfile.None, await store.GetAsync("a", "ann"));
        await store.SetAsync("a", "ann", new VoiceProfile("en-us", 1.25f, 0.75f));
        await store.SetAsync("a", "ann", new VoiceProfile("en-gb", 1.5f, 0));
        Assert.Equal(new VoiceProfile("en-gb", 1.5f, 0), await store.GetAsync("a", "ann"));
        Assert.Equal(VoiceProfile.None, await store.GetAsync("a", "bob"));
        Assert.Equal(VoiceProfile.None, await store.GetAsync("b", "ann"));
    }
}
