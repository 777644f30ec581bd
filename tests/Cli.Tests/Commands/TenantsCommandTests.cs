using Atom.Cli.Tests.Infrastructure;
using Atom.V1;

namespace Atom.Cli.Tests.Commands;

[Collection(CliServerCollection.Name)]
public sealed class TenantsCommandTests(CliServer server)
{
    [Fact]
    public async Task A_platform_admin_creates_a_tenant_and_sees_it_listed()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];

        var create = await AtomCli.RunAsync(["tenants", "create", name, "--display-name", "Acme Inc", "--server", server.Address]);
        var list = await AtomCli.RunAsync(["tenants", "list", "--server", server.Address]);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains($"Created tenant {name}.", create.Stdout);
        Assert.Contains("Acme Inc", create.Stdout);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(name, list.Stdout);
        Assert.Contains("default", list.Stdout);
    }

    [Fact]
    public async Task Tenants_as_json_are_the_proto3_json_of_the_responses()
    {
        var name = "j-" + Guid.NewGuid().ToString("N")[..10];

        var create = await AtomCli.RunAsync(["tenants", "create", name, "-o", "json", "--server", server.Address]);
        var list = await AtomCli.RunAsync(["tenants", "list", "-o", "json", "--server", server.Address]);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(name, create.Json().GetProperty("tenant").GetProperty("name").GetString());
        Assert.Single(list.StdoutLines);
        Assert.Contains(list.Json().GetProperty("tenants").EnumerateArray(), t => t.GetProperty("name").GetString() == name);
        Assert.Equal(string.Empty, list.Json().GetProperty("nextPageToken").GetString());
    }

    [Fact]
    public async Task A_plain_member_is_denied()
    {
        var member = await server.CreateUserAsync("member", Role.Member);
        using var home = new CliHome(server.Address);
        await home.LoginAsync(member.Email);

        var create = await home.RunAsync("tenants", "create", "denied-" + Guid.NewGuid().ToString("N")[..8]);
        var list = await home.RunAsync("tenants", "list");

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("PERMISSION_DENIED", create.Stderr);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("PERMISSION_DENIED", list.Stderr);
    }

    [Fact]
    public async Task A_taken_or_malformed_name_fails_with_the_reason()
    {
        var taken = await AtomCli.RunAsync(["tenants", "create", "default", "--server", server.Address]);
        var malformed = await AtomCli.RunAsync(["tenants", "create", "Not A Name", "--server", server.Address]);

        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("ALREADY_EXISTS", taken.Stderr);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("field name:", malformed.Stderr);
    }
}
