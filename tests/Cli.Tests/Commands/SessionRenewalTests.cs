using System.Text.RegularExpressions;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>A stored session outlives its access tokens: the CLI renews them with the refresh token, and says so when it cannot.</summary>
public sealed partial class SessionRenewalTests(ShortTokenCliServer server) : IClassFixture<ShortTokenCliServer>
{
    [Fact]
    public async Task An_expired_access_token_is_renewed_before_the_call()
    {
        var user = await server.CreateUserAsync("renew");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        var before = home.Profile()!;
        await WaitUntilExpiredAsync(before.TokenExpireTime);

        var whoami = await home.RunAsync("whoami", "-o", "json");

        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Equal(user.Email, whoami.Json().GetProperty("principal").GetProperty("email").GetString());
        var after = home.Profile()!;
        Assert.NotEqual(before.Token, after.Token);
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
        Assert.True(after.TokenExpireTime > before.TokenExpireTime);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.Profiles.PathFor(server.Address)));
    }

    [Fact]
    public async Task When_the_server_says_the_token_expired_it_is_renewed_and_the_call_made_once_more()
    {
        var user = await server.CreateUserAsync("reactive");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        var before = home.Profile()!;
        await WaitUntilExpiredAsync(before.TokenExpireTime);

        // The local expiry now says "fresh", so only the server's CREDENTIAL_EXPIRED can make the CLI renew.
        home.Profiles.Save(before with { TokenExpireTime = DateTimeOffset.UtcNow.AddYears(1) });
        var users = await home.RunAsync("whoami", "-o", "json");

        Assert.True(users.ExitCode == 0, users.ToString());
        var after = home.Profile()!;
        Assert.NotEqual(before.Token, after.Token);
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
    }

    [Fact]
    public async Task Successive_commands_keep_renewing_the_session()
    {
        var user = await server.CreateUserAsync("chain");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);

        for (var i = 0; i < 2; i++)
        {
            await WaitUntilExpiredAsync(home.Profile()!.TokenExpireTime);
            var whoami = await home.RunAsync("whoami", "-o", "json");
            Assert.True(whoami.ExitCode == 0, whoami.ToString());
        }
    }

    [Fact]
    public async Task Commands_renewing_at_the_same_time_take_turns_and_never_replay_a_refresh_token()
    {
        var user = await server.CreateUserAsync("parallel");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        await WaitUntilExpiredAsync(home.Profile()!.TokenExpireTime);

        // Two processes sending the same refresh token would look like theft: the server would end the session.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => home.RunAsync("whoami", "-o", "json")));
        await WaitUntilExpiredAsync(home.Profile()!.TokenExpireTime);
        var after = await home.RunAsync("whoami", "-o", "json");

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.True(after.ExitCode == 0, after.ToString());
    }

    [Fact]
    public async Task A_session_that_ended_elsewhere_fails_with_advice_to_sign_in_again()
    {
        var user = await server.CreateUserAsync("ended");
        using var laptop = new CliHome(server.Address);
        using var copy = new CliHome(server.Address);
        await laptop.LoginAsync(user.Email);
        var profile = laptop.Profile()!;
        copy.Profiles.Save(profile);

        var logout = await laptop.RunAsync("logout");
        await WaitUntilExpiredAsync(profile.TokenExpireTime);
        var whoami = await copy.RunAsync("whoami");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal(1, whoami.ExitCode);
        Assert.Contains("has ended", whoami.Stderr);
        // Logging out renewed first (the token was about to expire), so the copy's refresh token is a spent one: a replay.
        Assert.Matches("reason: (CREDENTIAL_REVOKED|REFRESH_TOKEN_REPLAYED)", whoami.Stderr);
        Assert.Contains("sign in again with 'atom login'", whoami.Stderr);
        Assert.Single(UnauthenticatedLines().Matches(whoami.Stderr));
    }

    [Fact]
    public async Task Logout_with_an_expired_access_token_renews_it_to_revoke_the_session()
    {
        var user = await server.CreateUserAsync("late-logout");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        await WaitUntilExpiredAsync(home.Profile()!.TokenExpireTime);

        var logout = await home.RunAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("session is revoked", logout.Stdout);
        Assert.Null(home.Profile());
    }

    private static async Task WaitUntilExpiredAsync(DateTimeOffset? expires)
    {
        Assert.NotNull(expires);

        // JWT times are whole seconds and the server allows no skew here: past the expiry, plus a margin for rounding.
        var wait = expires.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(1100);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    [GeneratedRegex("^error: UNAUTHENTICATED", RegexOptions.Multiline)]
    private static partial Regex UnauthenticatedLines();
}
