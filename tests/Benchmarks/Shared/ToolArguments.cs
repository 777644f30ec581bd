using System.Globalization;

namespace Atom.Benchmarks.Shared;

/// <summary>A load tool's command line: a command, then `--name value` pairs and flags, each one the tool knows.</summary>
public sealed class ToolArguments
{
    private readonly Dictionary<string, string> _values;

    private ToolArguments(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    /// <summary>Gets the command (the first argument).</summary>
    public string Command { get; }

    /// <summary>Parses `command --name value ...`; throws <see cref="ArgumentException"/> on bad input.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="known">The options that take a value.</param>
    /// <param name="flags">The options that take none.</param>
    /// <returns>The parsed arguments.</returns>
    public static ToolArguments Parse(string[] args, IReadOnlySet<string> known, IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("missing command");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                values[name] = "true";
            }
            else if (!known.Contains(name))
            {
                throw new ArgumentException(name.StartsWith("--", StringComparison.Ordinal) ? $"unknown option '{name}'" : $"unexpected argument '{name}'");
            }
            else if (i + 1 < args.Length)
            {
                values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"{name} needs a value");
            }
        }

        return new ToolArguments(args[0], values);
    }

    /// <summary>Gets whether an option or flag was given.</summary>
    /// <param name="name">The option.</param>
    /// <returns>Whether it was given.</returns>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Gets an option's value, or null when it was not given.</summary>
    /// <param name="name">The option.</param>
    /// <returns>The value.</returns>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>Gets an option's value, or a default.</summary>
    /// <param name="name">The option.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public string Text(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    /// <summary>Gets a whole-number option, or a default.</summary>
    /// <param name="name">The option.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Gets a whole-number option, or null when it was not given.</summary>
    /// <param name="name">The option.</param>
    /// <returns>The value.</returns>
    public int? OptionalInt(string name) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    /// <summary>Gets a comma-separated list of whole numbers, or a default.</summary>
    /// <param name="name">The option.</param>
    /// <param name="fallback">The default, as it would be typed.</param>
    /// <returns>The values.</returns>
    public int[] IntList(string name, string fallback) =>
        [.. Text(name, fallback).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    /// <summary>Gets a number option, or a default.</summary>
    /// <param name="name">The option.</param>
    /// <param name="fallback">The default.</param>
    /// <returns>The value.</returns>
    public double Number(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
