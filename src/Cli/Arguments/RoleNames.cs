using System.CommandLine;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>Roles as the command line spells them: <c>owner</c>, <c>admin</c>, <c>member</c>, <c>auditor</c>, <c>guest</c>, in any case.</summary>
internal static class RoleNames
{
    private static readonly EnumNames<Role> Roles = new(highestFirst: true);

    /// <summary>Gets the names, highest role first, for help and errors.</summary>
    public static string Choices => Roles.Choices;

    /// <summary>Gets a role's name.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The lower-case name, e.g. <c>admin</c>.</returns>
    public static string Name(Role role) => Roles.Name(role);

    /// <summary>Gets roles' names, comma-separated.</summary>
    /// <param name="roles">The roles.</param>
    /// <returns>The names, or "-" for none.</returns>
    public static string Names(IEnumerable<Role> roles)
    {
        var names = string.Join(", ", roles.Select(Name));
        return names.Length > 0 ? names : "-";
    }

    /// <summary>Creates a repeatable <c>--role</c> option; a value may also list roles with commas (<c>--role admin,auditor</c>).</summary>
    /// <param name="description">What the roles are for.</param>
    /// <returns>The option.</returns>
    public static Option<Role[]> Option(string description) => new("--role")
    {
        Description = description,
        HelpName = Choices,
        CustomParser = result =>
        {
            var roles = new List<Role>();
            foreach (var name in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (Roles.TryParse(name, out var role))
                {
                    if (!roles.Contains(role))
                    {
                        roles.Add(role);
                    }
                }
                else
                {
                    result.AddError($"--role '{name}' is not a role: use {Choices}.");
                }
            }

            return [.. roles];
        },
    };
}
