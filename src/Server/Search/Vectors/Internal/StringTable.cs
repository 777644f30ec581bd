namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// One payload field's distinct values, each known by a small number, with how many live points hold it. Filters then
/// compare numbers rather than strings, and the counts bound how many points a filter can let through.
/// </summary>
internal sealed class StringTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private readonly List<int> _live = [];

    /// <summary>Gets how many distinct values the table holds (live or not).</summary>
    public int Count => _values.Count;

    /// <summary>Gets a value by its number.</summary>
    public string this[int id] => _values[id];

    /// <summary>The number of a value, added when new.</summary>
    public int Intern(string value)
    {
        if (!_index.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _index.Add(value, id);
            _values.Add(value);
            _live.Add(0);
        }

        return id;
    }

    /// <summary>The number of a value the table holds.</summary>
    public bool TryFind(string value, out int id) => _index.TryGetValue(value, out id);

    /// <summary>How many live points hold a value.</summary>
    public int Live(int id) => _live[id];

    /// <summary>Counts a point that took or dropped a value.</summary>
    public void AddLive(int id, int delta) => _live[id] += delta;

    /// <summary>The values in number order.</summary>
    public string[] ToArray() => [.. _values];
}
