using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Tests.Arguments;

public sealed class RoleNamesTests
{
    [Fact]
    public void The_choices_are_every_role_highest_first() =>
        Assert.Equal("owner|admin|auditor|member|guest", RoleNames.Choices);

    [Theory]
    [InlineData(new[] { "--role", "Owner" }, new[] { Role.Owner })]
    [InlineData(new[] { "--role", "admin", "--role", "AUDITOR" }, new[] { Role.Admin, Role.Auditor })]
    [InlineData(new[] { "--role", "member,guest", "--role", "member" }, new[] { Role.Member, Role.Guest })]
    public void Roles_are_read_in_any_case_repeated_or_comma_separated(string[] args, Role[] roles)
    {
        var option = RoleNames.Option("roles");
        var command = new RootCommand { option };

        var result = command.Parse(args);

        Assert.Empty(result.Errors);
        Assert.Equal(roles, result.GetValue(option));
    }

    [Fact]
    public void An_unknown_role_is_an_error_listing_the_choices()
    {
        var option = RoleNames.Option("roles");
        var command = new RootCommand { option };

        var result = command.Parse(["--role", "root"]);

        var error = Assert.Single(result.Errors);
        Assert.Contains("'root' is not a role: use owner|admin|auditor|member|guest", error.Message);
    }

    [Fact]
    public void Names_read_as_people_say_them() =>
        Assert.Equal("admin, guest", RoleNames.Names([Role.Admin, Role.Guest]));
}
