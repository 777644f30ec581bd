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

    /// <summary>Gets a number of bytes as people read it, in powers of 1000: <c>999 B</c>, <c>1.5 kB</c>, <c>12.3 MB</c>, <c>123 MB</c>.</summary>
    /// <param name="bytes">The number of bytes.</param>
    /// <returns>The text.</returns>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 999.95 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value.ToString(Math.Abs(value) < 99.95 ? "0.0" : "0", CultureInfo.InvariantCulture)} {units[unit]}");
    }

    /// <summary>Gets a duration to the second, the way a countdown reads: <c>45s</c>, <c>3m05s</c>, <c>2h07m</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, duration.TotalSeconds));
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60:00}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60:00}m"),
        };
    }

    /// <summary>Gets a point in audio or video as <c>mm:ss</c> or <c>mm:ss.s</c>; minutes past 59 keep counting (<c>75:00</c>).</summary>
    /// <param name="offset">The point.</param>
    /// <param name="tenths">Whether tenths of a second show.</param>
    /// <returns>The text.</returns>
    public static string Clock(TimeSpan offset, bool tenths)
    {
        // Truncated, never rounded: 59.96 s is still in the 59th second, and never reads as "00:60.0".
        var total = (long)Math.Max(0, offset.TotalMilliseconds) / 100;
        var minutes = total / 600;
        var seconds = total % 600 / 10;
        return tenths
            ? string.Create(CultureInfo.InvariantCulture, $"{minutes:00}:{seconds:00}.{total % 10}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes:00}:{seconds:00}");
    }

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
