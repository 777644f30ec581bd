using System.Collections.Frozen;
using System.CommandLine;
using System.CommandLine.Parsing;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>Room roles as the command line spells them: <c>viewer</c>, <c>member</c>, <c>moderator</c>, <c>owner</c>, in any case.</summary>
internal static class RoomRoleNames
{
    private static readonly FrozenDictionary<string, RoomRole> ByName = Enum.GetValues<RoomRole>()
        .Where(r => r != RoomRole.Unspecified)
        .ToFrozenDictionary(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the names, lowest role first, as the room's ladder goes.</summary>
    public static string Choices { get; } = string.Join('|', ByName.OrderBy(p => p.Value).Select(p => p.Key));

    /// <summary>Gets a room role's name.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The lower-case name, e.g. <c>moderator</c>, or "-" for none.</returns>
    public static string Name(RoomRole role) => role == RoomRole.Unspecified ? "-" : role.ToString().ToLowerInvariant();

    /// <summary>Creates a <c>--role</c> option.</summary>
    /// <param name="description">What the role is for.</param>
    /// <returns>The option.</returns>
    public static Option<RoomRole?> Option(string description) => new("--role")
    {
        Description = description,
        HelpName = Choices,
        CustomParser = result => Parse(result, "--role"),
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
        CustomParser = result => Parse(result, name),
    };

    private static RoomRole? Parse(SymbolResult result, string what)
    {
        var name = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : string.Empty;
        if (ByName.TryGetValue(name, out var role))
        {
            return role;
        }

        result.AddError($"{what} '{name}' is not a room role: use {Choices}.");
        return null;
    }
}
