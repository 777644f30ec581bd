using System.CommandLine;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>
/// File states as the command line spells them: <c>processing</c>, <c>pending-scan</c>, <c>ready</c>,
/// <c>quarantined</c>, <c>rejected</c>, <c>unreadable</c>, <c>failed</c>, in any case.
/// </summary>
internal static class FileStateNames
{
    private static readonly EnumNames<FileState> Names = new(s => s == FileState.PendingScan ? "pending-scan" : s.ToString().ToLowerInvariant());

    /// <summary>Gets the names, in the order a file goes through them.</summary>
    public static string Choices => Names.Choices;

    /// <summary>Gets a state's name.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The lower-case name, e.g. <c>pending-scan</c>, or "-" for none.</returns>
    public static string Name(FileState state) => Names.Name(state);

    /// <summary>Creates a <c>--status</c> option.</summary>
    /// <param name="description">What the state selects.</param>
    /// <returns>The option.</returns>
    public static Option<FileState?> Option(string description) => new("--status")
    {
        Description = description,
        HelpName = Choices,
        CustomParser = result => Names.Parse(result, "--status", "a file state"),
    };
}
