using System.Globalization;
using Atom.V1;

namespace Atom.Cli.Search;

/// <summary>
/// A search result as people read it: a head line (what it is, where, who, when), the passages that matched with the
/// matches styled, and the command that opens it.
/// <code>
/// message  design #12  Ann Lee  2026-11-22 01:18:43Z
///   the deploy is failing on staging
///   atom history 0193c0de... --before 13
/// </code>
/// </summary>
internal static class SearchResultText
{
    /// <summary>Gets what a result is, as one word.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><c>message</c>, <c>file</c>, or <c>result</c> for a kind this CLI does not know yet.</returns>
    public static string Kind(SearchResultKind kind) => kind switch
    {
        SearchResultKind.Message => "message",
        SearchResultKind.File => "file",
        _ => "result",
    };

    /// <summary>Gets the lines of a result.</summary>
    /// <param name="result">The result.</param>
    /// <param name="who">How to show its author (see <see cref="Calls.PeopleDirectory.LabelAsync"/>).</param>
    /// <param name="style">How to style it.</param>
    /// <returns>The lines, without line ends.</returns>
    public static IEnumerable<string> Lines(SearchResult result, string who, TextStyle style)
    {
        yield return Head(result, who, style);
        foreach (var snippet in result.Snippets)
        {
            yield return "  " + SnippetText.Render(snippet, style.Match);
        }

        if (Opener(result) is { } opener)
        {
            yield return "  " + TextStyle.Apply(style.Faint, opener);
        }
    }

    /// <summary>Gets the command that shows a result in full: a file's facts, or a message among those before it.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The command, or null when the result does not say enough to open it.</returns>
    public static string? Opener(SearchResult result) => result.Kind switch
    {
        SearchResultKind.File when result.Id.Length > 0 => $"atom files show {result.Id}",

        // --before is exclusive: one past the message shows it last, under what led up to it.
        SearchResultKind.Message when result.RoomId.Length > 0 && result.Sequence > 0 =>
            string.Create(CultureInfo.InvariantCulture, $"atom history {result.RoomId} --before {result.Sequence + 1}"),
        _ => null,
    };

    private static string Head(SearchResult result, string who, TextStyle style)
    {
        var title = SnippetText.Printable(result.Title.Length > 0 ? result.Title : result.Id);
        var where = result.Kind switch
        {
            SearchResultKind.Message when result.Sequence > 0 => string.Create(CultureInfo.InvariantCulture, $"{title} #{result.Sequence}"),
            SearchResultKind.File when result.MediaType.Length > 0 => $"{title} ({result.MediaType})",
            _ => title,
        };
        var parts = new List<string> { Kind(result.Kind).PadRight(7), TextStyle.Apply(style.Strong, where), SnippetText.Printable(who), Display.Time(result.CreateTime) };

        // Found by meaning alone, it has no words to mark: say so, or the snippet looks like a wrong answer.
        if (result.Match == MatchReason.Semantic)
        {
            parts.Add("(by meaning)");
        }

        return string.Join("  ", parts);
    }
}
