using System.Text.RegularExpressions;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed partial class KeysCommandTests(CliServer server)
{
    [Fact]
    public async Task Create_prints_the_secret_once_with_a_warning_and_the_key_works()
    {
        var user = await server.CreateUserAsync("keys");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);

        var create = await home.RunAsync("keys", "create", "--name", "ci deploys");
        var list = await home.RunAsync("keys", "list");

        Assert.True(create.ExitCode == 0, create.ToString());
        var secret = Assert.Single(SecretPattern().Matches(create.Stdout)).Value;
        Assert.Contains("will not be shown again", create.Stderr);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("ci deploys", list.Stdout);
        Assert.DoesNotContain(secret, list.Stdout);

        var whoami = await AtomCli.RunAsync(["whoami", "-o", "json", "--server", server.Address, "--token", secret]);
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Equal(user.Email, whoami.Json().GetProperty("principal").GetProperty("email").GetString());
        Assert.Equal("api_key", whoami.Json().GetProperty("principal").GetProperty("authenticatedBy").GetString());
    }

    [Fact]
    public async Task Scopes_and_expiry_are_set_and_a_scoped_key_may_do_only_that()
    {
        var admin = await server.CreateUserAsync("scoped", Role.Admin);
        using var home = new CliHome(server.Address);
        await home.LoginAsync(admin.Email);

        var create = await home.RunAsync("keys", "create", "--name", "reader", "--scope", "server_read", "--expires", "30d", "-o", "json");

        Assert.True(create.ExitCode == 0, create.ToString());
        var json = create.Json();
        var secret = json.GetProperty("secret").GetString()!;
        var key = json.GetProperty("apiKey");
        Assert.Equal(["server_read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        var expires = DateTimeOffset.Parse(key.GetProperty("expireTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(30).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(5));

        var allowed = await AtomCli.RunAsync(["server", "info", "--server", server.Address, "--token", secret]);
        var denied = await AtomCli.RunAsync(["users", "list", "--server", server.Address, "--token", secret]);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("PERMISSION_DENIED", denied.Stderr);
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var create = await AtomCli.RunAsync(["keys", "create", "--name", "short-lived", "-o", "json", "--server", server.Address]);
        var json = create.Json();
        var id = json.GetProperty("apiKey").GetProperty("id").GetString()!;
        var secret = json.GetProperty("secret").GetString()!;

        var revoke = await AtomCli.RunAsync(["keys", "revoke", id, "--server", server.Address]);
        var whoami = await AtomCli.RunAsync(["whoami", "--server", server.Address, "--token", secret]);
        var list = await AtomCli.RunAsync(["keys", "list", "-o", "json", "--server", server.Address]);

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("Revoked API key 'short-lived'", revoke.Stdout);
        Assert.Equal(1, whoami.ExitCode);
        Assert.Contains("CREDENTIAL_REVOKED", whoami.Stderr);
        var listed = Assert.Single(list.Json().GetProperty("apiKeys").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.True(listed.TryGetProperty("revokeTime", out _));
    }

    [Fact]
    public async Task A_stored_key_that_was_revoked_fails_with_advice_to_sign_in_again()
    {
        var create = await AtomCli.RunAsync(["keys", "create", "--name", "stored", "-o", "json", "--server", server.Address]);
        var json = create.Json();
        using var home = new CliHome(server.Address);
        Assert.Equal(0, (await home.RunAsync(["login", "--token-stdin"], json.GetProperty("secret").GetString())).ExitCode);

        await AtomCli.RunAsync(["keys", "revoke", json.GetProperty("apiKey").GetProperty("id").GetString()!, "--server", server.Address]);
        var whoami = await home.RunAsync("whoami");

        Assert.Equal(1, whoami.ExitCode);
        Assert.Contains("hint: the credential stored for", whoami.Stderr);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0d")]
    [InlineData("2001-01-01")]
    public async Task A_bad_expiry_is_a_usage_error(string expires)
    {
        var create = await AtomCli.RunAsync(["keys", "create", "--name", "x", "--expires", expires, "--server", server.Address]);

        Assert.Equal(2, create.ExitCode);
        Assert.Contains("--expires", create.Stderr);
    }

    [Fact]
    public async Task Create_needs_a_name()
    {
        var create = await AtomCli.RunAsync(["keys", "create", "--server", server.Address]);

        Assert.Equal(2, create.ExitCode);
        Assert.Contains("--name", create.Stderr);
    }

    [GeneratedRegex(@"atom_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")]
    private static partial Regex SecretPattern();
}
