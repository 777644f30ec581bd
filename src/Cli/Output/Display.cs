using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Atom.Cli;

/// <summary>How values read in tables: times in UTC to the second, a dash for nothing, every cell escaped for markup.</summary>
internal static class Display
{
    /// <summary>Gets a timestamp as <c>2026-11-22 01:18:43Z</c>, or "-" when unset.</summary>
    /// <param name="time">The timestamp.</param>
    /// <returns>The text.</returns>
    public static string Time(Timestamp? time) => time is null ? "-" : Time(time.ToDateTimeOffset());

    /// <summary>Gets a time as <c>2026-11-22 01:18:43Z</c>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);

    /// <summary>Gets a text, or "-" when it is empty.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text or "-".</returns>
    public static string OrDash(string? text) => string.IsNullOrEmpty(text) ? "-" : text;

    /// <summary>Writes facts about one thing as a two-column grid: a bold name, then the value.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="rows">The names and values (plain text; escaped here).</param>
    public static void Facts(IAnsiConsole console, IEnumerable<(string Name, string Value)> rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in rows)
        {
            grid.AddRow($"[bold]{Markup.Escape(name)}[/]", Markup.Escape(OrDash(value)));
        }

        console.Write(grid);
    }

    /// <summary>Writes rows as a table, or says there are none.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="noun">What the rows are, plural, for "No users.".</param>
    /// <param name="columns">The column headers.</param>
    /// <param name="rows">The cells (plain text; escaped here).</param>
    public static void Table(IAnsiConsole console, string noun, string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table().AddColumns(columns.Select(Markup.Escape).ToArray());
        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => Markup.Escape(OrDash(cell))).ToArray());
        }

        if (table.Rows.Count == 0)
        {
            console.WriteLine($"No {noun}.");
            return;
        }

        console.Write(table);
    }
}
