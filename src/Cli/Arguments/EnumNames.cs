using System.Collections.Frozen;
using System.CommandLine.Parsing;

namespace Atom.Cli.Arguments;

/// <summary>
/// The values of an enum as the command line spells them, in any case: a lower-case name each (the zero value,
/// "unspecified" in every contract enum, has none and shows as "-"), the choices for help and errors, and the value
/// a typed name stands for ('_' and '-' alike, so <c>pending_scan</c> is <c>pending-scan</c>).
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
internal sealed class EnumNames<T>
    where T : struct, Enum
{
    private readonly Func<T, string> _name;
    private readonly FrozenDictionary<string, T> _byName;

    /// <summary>Initializes a new instance of the <see cref="EnumNames{T}"/> class.</summary>
    /// <param name="name">Names a value; its C# name in lower case by default.</param>
    /// <param name="highestFirst">Whether the choices go from the highest value down rather than up.</param>
    public EnumNames(Func<T, string>? name = null, bool highestFirst = false)
    {
        _name = name ?? (value => value.ToString().ToLowerInvariant());
        _byName = Enum.GetValues<T>().Where(v => !v.Equals(default(T))).ToFrozenDictionary(_name, StringComparer.OrdinalIgnoreCase);
        var ordered = highestFirst ? _byName.OrderByDescending(p => p.Value) : _byName.OrderBy(p => p.Value);
        Choices = string.Join('|', ordered.Select(p => p.Key));
    }

    /// <summary>Gets the names, for help and errors: <c>a|b|c</c>.</summary>
    public string Choices { get; }

    /// <summary>Gets a value's name.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The name, or "-" for the zero value.</returns>
    public string Name(T value) => value.Equals(default(T)) ? "-" : _name(value);

    /// <summary>Gets the value a name stands for.</summary>
    /// <param name="text">The name as typed.</param>
    /// <param name="value">The value, when the name is one.</param>
    /// <returns>True when it is.</returns>
    public bool TryParse(string text, out T value) => _byName.TryGetValue(text.Trim().Replace('_', '-'), out value);

    /// <summary>Reads the last token of an option or argument, or reports on it an error that lists the choices.</summary>
    /// <param name="result">The option's or argument's result.</param>
    /// <param name="what">What is read, for the error (e.g. <c>--role</c>).</param>
    /// <param name="noun">What the value must be, with its article (e.g. <c>a room role</c>).</param>
    /// <returns>The value, or null after the error.</returns>
    public T? Parse(SymbolResult result, string what, string noun)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : string.Empty;
        if (TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"{what} '{text}' is not {noun}: use {Choices}.");
        return null;
    }
}
