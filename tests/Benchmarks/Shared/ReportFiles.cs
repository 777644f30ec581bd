using System.Globalization;
using System.Text;

namespace Atom.Benchmarks.Shared;

/// <summary>What every load tool's report does the same way: read the runs' JSON files, write PREFIX.md and PREFIX.json, format tables.</summary>
public static class ReportFiles
{
    /// <summary>Reads the runs' JSON files in name order (the scripts number them, so this is the order they ran in).</summary>
    /// <typeparam name="T">A run's result.</typeparam>
    /// <param name="runsDirectory">The directory.</param>
    /// <param name="parse">Reads one file's JSON.</param>
    /// <returns>The runs; none when the directory does not exist.</returns>
    public static List<T> ReadRuns<T>(string runsDirectory, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Directory.Exists(runsDirectory)
            ? [.. Directory.GetFiles(runsDirectory, "*.json").Order(StringComparer.Ordinal).Select(f => parse(File.ReadAllText(f)))]
            : [];
    }

    /// <summary>Writes PREFIX.md and PREFIX.json and prints the Markdown.</summary>
    /// <param name="prefix">The output path without extension.</param>
    /// <param name="markdown">The tables.</param>
    /// <param name="json">Every run, with the machine note.</param>
    public static void Write(string prefix, string markdown, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
        File.WriteAllText(prefix + ".md", markdown);
        File.WriteAllText(prefix + ".json", json);
        Console.Write(markdown);
    }

    /// <summary>Writes one run's result: its JSON to <paramref name="outFile"/> when given, and JSON or text to the terminal.</summary>
    /// <param name="outFile">The file, or null.</param>
    /// <param name="asJson">Whether the terminal gets JSON rather than text.</param>
    /// <param name="json">The result as JSON.</param>
    /// <param name="text">The result as text.</param>
    /// <returns>A task.</returns>
    public static async Task WriteResultAsync(string? outFile, bool asJson, string json, string text)
    {
        if (outFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
            await File.WriteAllTextAsync(outFile, json);
        }

        Console.Write(asJson ? json + Environment.NewLine : text);
    }

    /// <summary>Writes a table's header row and its separator: the first columns left-aligned, the figures right-aligned.</summary>
    /// <param name="md">The document.</param>
    /// <param name="header">The header row, in Markdown.</param>
    /// <param name="leftAligned">How many leading columns are labels.</param>
    public static void Header(StringBuilder md, string header, int leftAligned)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(header);
        var columns = header.Trim('|').Split('|').Length;
        md.AppendLine(header);
        md.Append('|');
        for (var i = 0; i < columns; i++)
        {
            md.Append(i < leftAligned ? "---|" : "--:|");
        }

        md.AppendLine();
    }

    /// <summary>Formats milliseconds: two decimals below 10, one above; "-" for none.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Ms(double? value) => value?.ToString(value < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) ?? "-";
}
