using Atom.Cli.Profiles;
using Atom.Cli.Tests.Infrastructure;
using Atom.Sdk;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class LoginCommandTests(CliServer server, ShortTokenCliServer other) : IClassFixture<ShortTokenCliServer>
{
    [Fact]
    public async Task Login_with_a_password_from_stdin_stores_a_session_that_whoami_uses_without_a_token()
    {
        var user = await server.CreateUserAsync("login");
        using var home = new CliHome(server.Address);

        var login = await home.RunAsync(["login", "--email", user.Email, "--password-stdin"], CliServer.Password + "\n");
        var whoami = await home.RunAsync("whoami", "-o", "json");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"Signed in to {server.Address} as {user.Email} (tenant default)", login.Stdout);
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        var principal = whoami.Json().GetProperty("principal");
        Assert.Equal(user.Id, principal.GetProperty("id").GetString());
        Assert.Equal("access_token", principal.GetProperty("authenticatedBy").GetString());

        var profile = home.Profile()!;
        Assert.Equal(ProfileCredentialKind.Session, profile.Kind);
        Assert.NotNull(profile.RefreshToken);
        Assert.DoesNotContain(profile.Token, login.Stdout + login.Stderr + whoami.Stdout + whoami.Stderr);
        Assert.DoesNotContain(profile.RefreshToken, login.Stdout + login.Stderr);
    }

    [Fact]
    public async Task Whoami_as_a_table_names_the_user_the_tenant_and_the_stored_credential()
    {
        var user = await server.CreateUserAsync("table", Role.Auditor);
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);

        var whoami = await home.RunAsync("whoami");

        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Contains(user.Email, whoami.Stdout);
        Assert.Contains("auditor", whoami.Stdout);
        Assert.Contains("default", whoami.Stdout);
        Assert.Contains("session stored in " + home.ProfilesDirectory, whoami.Stdout);
    }

    [Fact]
    public async Task The_profile_file_is_private_to_its_owner_and_holds_no_password()
    {
        var user = await server.CreateUserAsync("modes");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);

        var file = Assert.Single(Directory.GetFiles(home.ProfilesDirectory, "*.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var directoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(directoryMode, File.GetUnixFileMode(home.ProfilesDirectory));
        Assert.Equal(directoryMode, File.GetUnixFileMode(Path.Combine(home.ConfigHome, "atom")));
        Assert.DoesNotContain(CliServer.Password, File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(home.ProfilesDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Each_server_has_a_profile_of_its_own()
    {
        var user = await server.CreateUserAsync("two-servers");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        var second = await home.RunAsync(["login", "--token-stdin"], CliServer.AdminToken + "\n", server: other.Address);

        var first = await home.RunAsync("whoami", "-o", "json");
        var onOther = await home.RunAsync(["whoami", "-o", "json"], stdin: null, server: other.Address);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(user.Email, first.Json().GetProperty("principal").GetProperty("email").GetString());
        Assert.Equal("admin@localhost", onOther.Json().GetProperty("principal").GetProperty("email").GetString());
        Assert.Equal(2, Directory.GetFiles(home.ProfilesDirectory, "*.json").Length);
    }

    [Fact]
    public async Task Without_XDG_CONFIG_HOME_the_profile_lives_in_the_home_directory()
    {
        var user = await server.CreateUserAsync("home");
        var home = Path.Combine(Path.GetTempPath(), "atom-cli-home-" + Guid.NewGuid().ToString("N"));
        try
        {
            var environment = new Dictionary<string, string> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = string.Empty };
            var login = await AtomCli.RunAsync(["--server", server.Address, "login", "--email", user.Email, "--password-stdin"], CliServer.Password, environment, asAdmin: false);
            var whoami = await AtomCli.RunAsync(["--server", server.Address, "whoami", "-o", "json"], environment: environment, asAdmin: false);

            Assert.True(login.ExitCode == 0, login.ToString());
            Assert.Single(Directory.GetFiles(Path.Combine(home, ".config", "atom", "profiles"), "*.json"));
            Assert.True(whoami.ExitCode == 0, whoami.ToString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Login_with_a_token_from_stdin_checks_it_and_stores_it()
    {
        using var home = new CliHome(server.Address);

        var login = await home.RunAsync(["login", "--token-stdin"], "  " + CliServer.AdminToken + "\n");
        var whoami = await home.RunAsync("whoami", "-o", "json");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("with an API key", login.Stdout);
        Assert.DoesNotContain(CliServer.AdminToken, login.Stdout + login.Stderr);
        Assert.Equal("api_key", whoami.Json().GetProperty("principal").GetProperty("authenticatedBy").GetString());
        Assert.Equal(ProfileCredentialKind.ApiKey, home.Profile()!.Kind);
    }

    [Fact]
    public async Task Login_with_a_bad_token_stores_nothing()
    {
        using var home = new CliHome(server.Address);

        var login = await home.RunAsync(["login", "--token-stdin"], "atom_nonesuch_GLckSADAV9xkIfKd0SI23jBb0-c3QmLWHofAKr0_zKw\n");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("UNAUTHENTICATED", login.Stderr);
        Assert.Null(home.Profile());
    }

    [Fact]
    public async Task An_explicit_token_wins_over_the_stored_profile()
    {
        var user = await server.CreateUserAsync("explicit");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);

        var withOption = await home.RunAsync("whoami", "-o", "json", "--token", CliServer.AdminToken);
        var withEnvironment = await home.RunAsync(["whoami", "-o", "json"], stdin: null, environment: new Dictionary<string, string> { ["ATOM_TOKEN"] = CliServer.AdminToken });

        Assert.Equal("admin@localhost", withOption.Json().GetProperty("principal").GetProperty("email").GetString());
        Assert.Equal("admin@localhost", withEnvironment.Json().GetProperty("principal").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Logout_revokes_the_session_on_the_server_and_deletes_the_profile()
    {
        var user = await server.CreateUserAsync("logout");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(user.Email);
        var refreshToken = home.Profile()!.RefreshToken!;

        var logout = await home.RunAsync("logout");
        var whoami = await home.RunAsync("whoami");
        var again = await home.RunAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("session is revoked", logout.Stdout);
        Assert.Empty(Directory.GetFiles(home.ProfilesDirectory));
        Assert.Equal(1, whoami.ExitCode);
        Assert.Contains("hint: sign in with 'atom login", whoami.Stderr);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Not signed in", again.Stdout);

        using var channel = server.Channel(token: null);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AuthServiceClient(channel).RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = refreshToken }));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task Signing_in_again_ends_the_session_it_replaces()
    {
        var first = await server.CreateUserAsync("first");
        var second = await server.CreateUserAsync("second");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(first.Email);
        var replaced = home.Profile()!.RefreshToken!;

        await home.LoginAsync(second.Email);
        var whoami = await home.RunAsync("whoami", "-o", "json");

        Assert.Equal(second.Email, whoami.Json().GetProperty("principal").GetProperty("email").GetString());
        using var channel = server.Channel(token: null);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AuthServiceClient(channel).RefreshTokenAsync(new RefreshTokenRequest { RefreshToken = replaced }));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task Logout_of_an_api_key_says_the_key_still_works()
    {
        using var home = new CliHome(server.Address);
        await home.RunAsync(["login", "--token-stdin"], CliServer.AdminToken);

        var logout = await home.RunAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("works until it expires or is revoked", logout.Stdout);
        Assert.Null(home.Profile());
    }

    [Fact]
    public async Task An_account_with_two_factor_sign_in_needs_a_code_and_the_cli_says_so()
    {
        var user = await server.CreateUserAsync("mfa");
        var (secret, recoveryCodes, confirmedAt) = await EnableTotpAsync(user.Email);
        using var home = new CliHome(server.Address);

        var withoutCode = await home.RunAsync(["login", "--email", user.Email, "--password-stdin"], CliServer.Password);
        var withRecoveryCode = await home.RunAsync(["login", "--email", user.Email, "--password-stdin", "--recovery-code", recoveryCodes[0]], CliServer.Password);
        var withTotp = await home.RunAsync(["login", "--email", user.Email, "--password-stdin", "--totp", TotpCode(secret, confirmedAt + 1)], CliServer.Password);

        Assert.Equal(1, withoutCode.ExitCode);
        Assert.Contains("MFA_REQUIRED", withoutCode.Stderr);
        Assert.Contains("a code is needed", withoutCode.Stderr);
        Assert.Contains("--totp CODE", withoutCode.Stderr);
        Assert.True(withRecoveryCode.ExitCode == 0, withRecoveryCode.ToString());
        Assert.True(withTotp.ExitCode == 0, withTotp.ToString());
    }

    [Theory]
    [InlineData(new[] { "login" }, "--email")]
    [InlineData(new[] { "login", "--token-stdin", "--email", "a@example.com" }, "cannot be combined")]
    [InlineData(new[] { "login", "--email", "a@example.com", "--password-stdin", "--totp", "123456", "--recovery-code", "x" }, "not both")]
    public async Task Contradictory_or_missing_login_options_are_usage_errors(string[] args, string message)
    {
        using var home = new CliHome(server.Address);

        var result = await home.RunAsync(args, "secret\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public async Task An_empty_stdin_is_a_usage_error()
    {
        using var home = new CliHome(server.Address);

        var result = await home.RunAsync(["login", "--email", "a@example.com", "--password-stdin"], "\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-stdin: standard input is empty", result.Stderr);
    }

    private async Task<(string Secret, List<string> RecoveryCodes, long Step)> EnableTotpAsync(string email)
    {
        using var anonymous = server.Channel(token: null);
        var signIn = await new AuthServiceClient(anonymous).SignInAsync(new SignInRequest { Email = email, Password = CliServer.Password });
        using var channel = server.Channel(signIn.Tokens.AccessToken);
        var auth = new AuthServiceClient(channel);
        var enrolment = await auth.EnrollTotpAsync(new EnrollTotpRequest());
        var step = Atom.Server.Identity.Credentials.Totp.StepAt(DateTimeOffset.UtcNow);
        var confirmed = await auth.ConfirmTotpAsync(new ConfirmTotpRequest { Code = TotpCode(enrolment.Secret, step) });
        return (enrolment.Secret, [.. confirmed.RecoveryCodes], step);
    }

    // The code of the step after the one confirmation used: still inside the window, and not a replay.
    private static string TotpCode(string secret, long step)
    {
        Assert.True(Atom.Server.Identity.Credentials.Base32.TryDecode(secret, out var key));
        return Atom.Server.Identity.Credentials.Totp.Compute(key, step);
    }
}
