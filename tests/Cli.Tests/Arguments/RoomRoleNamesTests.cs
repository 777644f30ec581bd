using System.CommandLine;
using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Tests.Arguments;

public sealed class RoomRoleNamesTests
{
    [Fact]
    public void The_choices_climb_the_rooms_ladder() =>
        Assert.Equal("viewer|member|moderator|owner", RoomRoleNames.Choices);

    [Theory]
    [InlineData("viewer", RoomRole.Viewer)]
    [InlineData("Moderator", RoomRole.Moderator)]
    [InlineData("OWNER", RoomRole.Owner)]
    public void A_role_is_read_in_any_case_as_an_option_or_an_argument(string name, RoomRole role)
    {
        var option = RoomRoleNames.Option("role");
        var argument = RoomRoleNames.Argument("role", "role");
        var command = new RootCommand { option, argument };

        var result = command.Parse(["--role", name, name]);

        Assert.Empty(result.Errors);
        Assert.Equal(role, result.GetValue(option));
        Assert.Equal(role, result.GetValue(argument));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("unspecified")]
    public void Anything_else_is_an_error_listing_the_choices(string name)
    {
        var option = RoomRoleNames.Option("role");
        var command = new RootCommand { option };

        var result = command.Parse(["--role", name]);

        Assert.Contains(result.Errors, e => e.Message == $"--role '{name}' is not a room role: use viewer|member|moderator|owner.");
    }

    [Fact]
    public void A_role_argument_is_required()
    {
        var argument = RoomRoleNames.Argument("role", "role");
        var command = new RootCommand { argument };

        var result = command.Parse([]);

        Assert.NotEmpty(result.Errors);
    }
}
