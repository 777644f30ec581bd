using Atom.Server.Identity.Credentials;
using Atom.Server.Tests.Storage;

namespace Atom.Server.Tests.Identity.Credentials;

public sealed class SignInThrottleTests
{
    [Fact]
    public void Lockouts_start_at_30_seconds_double_and_stop_at_15_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SignInThrottle.Lockout(5));
        Assert.Equal(TimeSpan.FromSeconds(60), SignInThrottle.Lockout(6));
        Assert.Equal(TimeSpan.FromSeconds(120), SignInThrottle.Lockout(7));
        Assert.Equal(TimeSpan.FromSeconds(480), SignInThrottle.Lockout(9));
        Assert.Equal(TimeSpan.FromMinutes(15), SignInThrottle.Lockout(10));
        Assert.Equal(TimeSpan.FromMinutes(15), SignInThrottle.Lockout(1000));
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Five_failures_lock_the_account_with_growing_backoff(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var throttle = context.Throttle;
        for (var i = 1; i <= 4; i++)
        {
            Assert.True((await throttle.RecordFailureAsync("alpha", "jane@example.com", "10.0.0.1")).Allowed);
        }

        var locked = await throttle.RecordFailureAsync("alpha", "Jane@Example.com", "10.0.0.2");
        Assert.False(locked.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(30), locked.RetryAfter);

        // The account is locked from any address; another account from a fresh address is not.
        Assert.False((await throttle.CheckAsync("alpha", "jane@example.com", "192.168.1.1")).Allowed);
        Assert.True((await throttle.CheckAsync("alpha", "joe@example.com", "192.168.1.1")).Allowed);
        Assert.True((await throttle.CheckAsync("beta", "jane@example.com", "192.168.1.1")).Allowed);

        context.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(10), (await throttle.CheckAsync("alpha", "jane@example.com", null)).RetryAfter);
        context.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await throttle.CheckAsync("alpha", "jane@example.com", null)).Allowed);

        var again = await throttle.RecordFailureAsync("alpha", "jane@example.com", null);
        Assert.Equal(TimeSpan.FromSeconds(60), again.RetryAfter);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Failures_from_one_address_across_accounts_lock_the_address_later_than_an_account(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        for (var i = 0; i < SignInThrottle.AddressThreshold - 1; i++)
        {
            await context.Throttle.RecordFailureAsync("alpha", $"user{i}@example.com", "203.0.113.9");
        }

        // A few typos by several people behind one address do not lock them all out.
        Assert.True((await context.Throttle.CheckAsync("alpha", "someone-else@example.com", "203.0.113.9")).Allowed);
        await context.Throttle.RecordFailureAsync("alpha", "one-more@example.com", "203.0.113.9");

        Assert.False((await context.Throttle.CheckAsync("alpha", "someone-else@example.com", "203.0.113.9")).Allowed);
        Assert.True((await context.Throttle.CheckAsync("alpha", "someone-else@example.com", "203.0.113.10")).Allowed);
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Success_resets_the_account_and_old_failures_leave_the_window(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        var throttle = context.Throttle;
        for (var i = 0; i < 4; i++)
        {
            await throttle.RecordFailureAsync("alpha", "jane@example.com", null);
        }

        await throttle.RecordSuccessAsync("alpha", "jane@example.com");
        Assert.True((await throttle.RecordFailureAsync("alpha", "jane@example.com", null)).Allowed);

        for (var i = 0; i < 3; i++)
        {
            await throttle.RecordFailureAsync("alpha", "jane@example.com", null);
        }

        context.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await throttle.RecordFailureAsync("alpha", "jane@example.com", null)).Allowed); // a new window: 1 failure
    }

    [Theory]
    [MemberData(nameof(StoreProvider.Both), MemberType = typeof(StoreProvider))]
    public async Task Concurrent_failures_are_all_counted(string provider)
    {
        await using var context = await IdentityTestContext.CreateAsync(provider);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => context.Throttle.RecordFailureAsync("alpha", "jane@example.com", null)));

        Assert.Equal(SignInThrottle.Lockout(8), (await context.Throttle.CheckAsync("alpha", "jane@example.com", null)).RetryAfter);
    }
}
