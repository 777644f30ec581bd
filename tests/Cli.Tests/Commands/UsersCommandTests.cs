using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class UsersCommandTests(CliServer server)
{
    [Fact]
    public async Task Create_takes_roles_and_a_password_from_stdin_and_the_user_can_sign_in()
    {
        var email = $"created-{Guid.NewGuid().ToString("N")[..8]}@example.com";

        var create = await AtomCli.RunAsync(
            ["users", "create", email, "--display-name", "Carol", "--role", "ADMIN", "--role", "auditor", "--password-stdin", "-o", "json", "--server", server.Address],
            stdin: CliServer.Password + "\n");
        using var home = new CliHome(server.Address);
        await home.LoginAsync(email);

        Assert.True(create.ExitCode == 0, create.ToString());
        var user = create.Json().GetProperty("user");
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Carol", user.GetProperty("displayName").GetString());
        Assert.Equal(["ROLE_ADMIN", "ROLE_AUDITOR"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task Create_as_a_table_says_what_was_created()
    {
        var email = $"table-{Guid.NewGuid().ToString("N")[..8]}@example.com";

        var create = await AtomCli.RunAsync(["users", "create", email, "--password-stdin", "--server", server.Address], stdin: CliServer.Password);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains($"Created user {email}.", create.Stdout);
        Assert.Contains("member", create.Stdout);
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_field_and_why()
    {
        var create = await AtomCli.RunAsync(["users", "create", "weak@example.com", "--password-stdin", "--server", server.Address], stdin: "short\n");

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("INVALID_ARGUMENT", create.Stderr);
        Assert.Contains("field password:", create.Stderr);
        Assert.Contains("12", create.Stderr);
    }

    [Fact]
    public async Task An_unknown_role_is_a_usage_error_naming_the_choices()
    {
        var create = await AtomCli.RunAsync(["users", "create", "x@example.com", "--role", "superuser", "--password-stdin", "--server", server.Address], stdin: CliServer.Password);

        Assert.Equal(2, create.ExitCode);
        Assert.Contains("'superuser' is not a role", create.Stderr);
        Assert.Contains("owner|admin|auditor|member|guest", create.Stderr);
    }

    [Fact]
    public async Task Disable_hides_the_user_from_the_list_unless_disabled_users_are_included()
    {
        var user = await server.CreateUserAsync("disable");

        var disable = await AtomCli.RunAsync(["users", "disable", user.Id, "--server", server.Address]);
        var list = await AtomCli.RunAsync(["users", "list", "-o", "json", "--server", server.Address]);
        var all = await AtomCli.RunAsync(["users", "list", "--include-disabled", "-o", "json", "--server", server.Address]);
        var table = await AtomCli.RunAsync(["users", "list", "--include-disabled", "--server", server.Address]);
        using var home = new CliHome(server.Address);
        var login = await home.RunAsync(["login", "--email", user.Email, "--password-stdin"], CliServer.Password);

        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Contains("disabled", disable.Stdout);
        Assert.DoesNotContain(Users(list), u => u.GetProperty("id").GetString() == user.Id);
        Assert.Contains(Users(all), u => u.GetProperty("id").GetString() == user.Id && u.GetProperty("disabled").GetBoolean());
        Assert.Contains(user.Email, table.Stdout);
        Assert.Equal(1, login.ExitCode);
        Assert.Contains("ACCOUNT_DISABLED", login.Stderr);
    }

    [Fact]
    public async Task Roles_replaces_the_users_roles()
    {
        var user = await server.CreateUserAsync("roles", Role.Member);

        var roles = await AtomCli.RunAsync(["users", "roles", user.Id, "--role", "auditor,guest", "-o", "json", "--server", server.Address]);
        var table = await AtomCli.RunAsync(["users", "roles", user.Id, "--role", "admin", "--server", server.Address]);
        var none = await AtomCli.RunAsync(["users", "roles", user.Id, "--server", server.Address]);

        Assert.True(roles.ExitCode == 0, roles.ToString());
        Assert.Equal(["ROLE_AUDITOR", "ROLE_GUEST"], roles.Json().GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).Order().ToArray());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("admin", table.Stdout);
        Assert.Equal(2, none.ExitCode);
    }

    [Fact]
    public async Task A_platform_admin_creates_the_first_owner_of_another_tenant()
    {
        var tenant = "owners-" + Guid.NewGuid().ToString("N")[..8];
        var email = $"owner-{Guid.NewGuid().ToString("N")[..8]}@example.com";
        Assert.Equal(0, (await AtomCli.RunAsync(["tenants", "create", tenant, "--server", server.Address])).ExitCode);

        var create = await AtomCli.RunAsync(["users", "create", email, "--tenant", tenant, "--role", "owner", "--password-stdin", "--server", server.Address], stdin: CliServer.Password);
        using var home = new CliHome(server.Address);
        await home.LoginAsync(email, more: ["--tenant", tenant]);
        var whoami = await home.RunAsync("whoami", "-o", "json");

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(tenant, whoami.Json().GetProperty("principal").GetProperty("tenantName").GetString());
    }

    [Fact]
    public async Task Someone_who_is_not_a_platform_admin_cannot_create_users_in_another_tenant()
    {
        var admin = await server.CreateUserAsync("tenant-admin", Role.Admin);
        using var home = new CliHome(server.Address);
        await home.LoginAsync(admin.Email);

        var create = await home.RunAsync(["users", "create", "elsewhere@example.com", "--tenant", "some-other-tenant", "--password-stdin"], CliServer.Password);

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("PERMISSION_DENIED", create.Stderr);
        Assert.Contains("sign in to it: atom login --tenant some-other-tenant", create.Stderr);
    }

    private static JsonElement[] Users(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json().GetProperty("users").EnumerateArray().ToArray();
    }
}
