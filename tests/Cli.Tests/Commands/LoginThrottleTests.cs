using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>Failed sign-ins, on a server of their own: they lock the loopback address, which would break everyone else's sign-ins.</summary>
public sealed class LoginThrottleTests(IsolatedCliServer server) : IClassFixture<IsolatedCliServer>
{
    [Fact]
    public async Task A_wrong_password_stores_nothing_and_repeated_ones_lock_the_account_with_the_delay_printed()
    {
        var user = await server.CreateUserAsync("locked");
        using var home = new CliHome(server.Address);

        var wrong = await home.RunAsync(["login", "--email", user.Email, "--password-stdin"], "not the password at all");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("INVALID_CREDENTIALS", wrong.Stderr);
        Assert.Null(home.Profile());

        CliResult locked = wrong;
        for (var attempt = 2; attempt <= 6 && !locked.Stderr.Contains("ACCOUNT_LOCKED", StringComparison.Ordinal); attempt++)
        {
            locked = await home.RunAsync(["login", "--email", user.Email, "--password-stdin"], "not the password at all");
        }

        Assert.Equal(1, locked.ExitCode);
        Assert.Contains("error: RESOURCE_EXHAUSTED", locked.Stderr);
        Assert.Contains("reason: ACCOUNT_LOCKED", locked.Stderr);
        Assert.Matches(@"retry after: [1-9][0-9]*s", locked.Stderr);
        Assert.Null(home.Profile());
    }
}
