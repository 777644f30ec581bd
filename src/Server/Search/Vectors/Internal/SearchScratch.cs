namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// The working memory of one search or insert: the visited marks and the two heaps. One per thread, because searches run
/// synchronously from start to end, so a thread never interleaves two.
/// </summary>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? _current;

    private int[] _marks = [];
    private int _epoch;

    public NodeHeap Candidates { get; } = new();

    public NodeHeap Results { get; } = new();

    /// <summary>A second result heap, for the exact scan or for neighbour selection inside an insert.</summary>
    public NodeHeap Spare { get; } = new();

    public List<(int Slot, float Score)> Found { get; } = [];

    public static SearchScratch ForThisThread() => _current ??= new SearchScratch();

    /// <summary>Forgets every visit, for nodes numbered below <paramref name="capacity"/>.</summary>
    public void BeginVisits(int capacity)
    {
        if (_marks.Length < capacity)
        {
            _marks = new int[Math.Max(capacity, _marks.Length * 2)];
            _epoch = 0;
        }

        if (++_epoch == int.MaxValue)
        {
            Array.Clear(_marks);
            _epoch = 1;
        }
    }

    /// <summary>Marks a node visited; false when it already was.</summary>
    public bool Visit(int slot)
    {
        if (_marks[slot] == _epoch)
        {
            return false;
        }

        _marks[slot] = _epoch;
        return true;
    }
}
