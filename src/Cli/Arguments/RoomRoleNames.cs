using System.CommandLine;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>Room roles as the command line spells them: <c>viewer</c>, <c>member</c>, <c>moderator</c>, <c>owner</c>, in any case.</summary>
internal static class RoomRoleNames
{
    private static readonly EnumNames<RoomRole> Names = new();

    /// <summary>Gets the names, lowest role first, as the room's ladder goes.</summary>
    public static string Choices => Names.Choices;

    /// <summary>Gets a room role's name.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The lower-case name, e.g. <c>moderator</c>, or "-" for none.</returns>
    public static string Name(RoomRole role) => Names.Name(role);

    /// <summary>Creates a <c>--role</c> option.</summary>
    /// <param name="description">What the role is for.</param>
    /// <returns>The option.</returns>
    public static Option<RoomRole?> Option(string description) => new("--role")
    {
        Description = description,
        HelpName = Choices,
        CustomParser = result => Names.Parse(result, "--role", "a room role"),
    };

    /// <summary>Creates a required role argument.</summary>
    /// <param name="name">The argument's name in help.</param>
    /// <param name="description">What the role is for.</param>
    /// <returns>The argument.</returns>
    public static Argument<RoomRole?> Argument(string name, string description) => new(name)
    {
        Description = $"{description}: {Choices}",
        HelpName = Choices,
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result => Names.Parse(result, name, "a room role"),
    };
}
