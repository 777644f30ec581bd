using System.Collections.Frozen;
using System.CommandLine;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>
/// File states as the command line spells them: <c>processing</c>, <c>pending-scan</c>, <c>ready</c>,
/// <c>quarantined</c>, <c>rejected</c>, <c>unreadable</c>, <c>failed</c>, in any case ('_' for '-' too).
/// </summary>
internal static class FileStateNames
{
    private static readonly FrozenDictionary<string, FileState> ByName = Enum.GetValues<FileState>()
        .Where(s => s != FileState.Unspecified)
        .ToFrozenDictionary(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the names, in the order a file goes through them.</summary>
    public static string Choices { get; } = string.Join('|', ByName.OrderBy(p => p.Value).Select(p => p.Key));

    /// <summary>Gets a state's name.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The lower-case name, e.g. <c>pending-scan</c>, or "-" for none.</returns>
    public static string Name(FileState state) => state switch
    {
        FileState.Unspecified => "-",
        FileState.PendingScan => "pending-scan",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Creates a <c>--status</c> option.</summary>
    /// <param name="description">What the state selects.</param>
    /// <returns>The option.</returns>
    public static Option<FileState?> Option(string description) => new("--status")
    {
        Description = description,
        HelpName = Choices,
        CustomParser = result =>
        {
            var name = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim().Replace('_', '-') : string.Empty;
            if (ByName.TryGetValue(name, out var state))
            {
                return state;
            }

            result.AddError($"--status '{name}' is not a file state: use {Choices}.");
            return null;
        },
    };
}
