using System.CommandLine;
using Atom.V1;

namespace Atom.Cli.Arguments;

/// <summary>
/// The <c>--type</c> of <c>atom files ls</c>: a kind of content (<c>document</c>, <c>image</c>, ...) or an exact
/// media type (<c>application/pdf</c>), told apart by the slash.
/// </summary>
/// <param name="Category">The kind, or unspecified.</param>
/// <param name="MediaType">The media type, or empty.</param>
internal sealed record FileTypeFilter(FileCategory Category, string MediaType)
{
    private static readonly EnumNames<FileCategory> Categories = new();

    /// <summary>Gets the kinds' names.</summary>
    public static string Choices => Categories.Choices;

    /// <summary>Gets a kind's name.</summary>
    /// <param name="category">The kind.</param>
    /// <returns>The lower-case name, e.g. <c>document</c>, or "-" for none.</returns>
    public static string CategoryName(FileCategory category) => Categories.Name(category);

    /// <summary>Creates the <c>--type</c> option.</summary>
    /// <param name="description">What it selects.</param>
    /// <returns>The option.</returns>
    public static Option<FileTypeFilter?> Option(string description) => new("--type")
    {
        Description = description,
        HelpName = Choices + "|MEDIA/TYPE",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : string.Empty;
            if (text.Contains('/', StringComparison.Ordinal))
            {
                return new FileTypeFilter(FileCategory.Unspecified, text.ToLowerInvariant());
            }

            if (Categories.TryParse(text, out var category))
            {
                return new FileTypeFilter(category, string.Empty);
            }

            result.AddError($"--type '{text}' is neither a kind of file ({Choices}) nor a media type such as application/pdf.");
            return null;
        },
    };
}
