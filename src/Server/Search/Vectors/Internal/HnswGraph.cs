using System.Numerics.Tensors;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// A hierarchical navigable small world graph (Malkov and Yashunin, 2016) over a collection's slots: every node on the
/// bottom layer, each higher layer a random thinning of the one below. A search descends greedily through the upper layers
/// and widens to a best-first search of <c>ef</c> candidates on the bottom one. Nodes are linked by similarity of the
/// normalized vectors (the dot product), their neighbours chosen by the paper's heuristic, which keeps links in several
/// directions rather than only the nearest few. Deleted points stay in as stepping stones until the collection is compacted.
/// </summary>
/// <remarks>
/// Not thread-safe for writes: inserts are serialized by the collection's write lock (or made by the one thread that
/// builds a graph nobody else sees yet). Any number of searches may run together between writes.
/// </remarks>
internal sealed class HnswGraph
{
    private const int MaxLevel = 16;

    private readonly int _dimensions;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly double _levelFactor;
    private readonly Random _random;

    // The bottom layer: per slot, a count and then up to _m0 neighbours. Upper layers: per slot with a level above 0,
    // that many blocks of a count and up to _m neighbours; null for the ~(1 - 1/M) of slots that live on the bottom only.
    private int[] _level0;
    private int[]?[] _upper;
    private int _entry = -1;
    private int _topLevel = -1;

    // Working lists of inserts, which one thread at a time makes (see the remarks): reused, so a link costs no garbage.
    private readonly List<(int Slot, float Sim)> _chosen = [];
    private readonly List<(int Slot, float Sim)> _relinked = [];
    private readonly List<(int Slot, float Score)> _pool = [];

    public HnswGraph(int dimensions, int m, int efConstruction, int capacity, int? seed)
    {
        _dimensions = dimensions;
        _m = m;
        _m0 = 2 * m;
        _efConstruction = Math.Max(efConstruction, m);
        _levelFactor = 1 / Math.Log(m);
        _random = seed is { } s ? new Random(s) : new Random();
        capacity = Math.Max(capacity, 16);
        _level0 = new int[capacity * (_m0 + 1)];
        _upper = new int[capacity][];
    }

    /// <summary>Gets how many nodes the graph holds.</summary>
    public int Nodes { get; private set; }

    /// <summary>Gets the bytes the links take: the bottom layer's fixed blocks, the upper layers' arrays and their references.</summary>
    public long Bytes { get; private set; }

    private int Capacity => _upper.Length;

    /// <summary>Links a slot in; its vector must be in <paramref name="vectors"/> already.</summary>
    public void Insert(int slot, float[] vectors)
    {
        EnsureCapacity(slot + 1);
        var level = RandomLevel();
        if (level > 0)
        {
            _upper[slot] = new int[level * (_m + 1)];
            Bytes += (level * (_m + 1) * sizeof(int)) + 24;
        }

        Nodes++;
        if (_entry < 0)
        {
            _entry = slot;
            _topLevel = level;
            return;
        }

        var scratch = SearchScratch.ForThisThread();
        var q = Vector(vectors, slot);
        var entry = _entry;
        var entrySim = Similarity(vectors, entry, q);
        for (var l = _topLevel; l > level; l--)
        {
            Descend(vectors, q, l, ref entry, ref entrySim);
        }

        var filter = default(AcceptAll);
        for (var l = Math.Min(level, _topLevel); l >= 0; l--)
        {
            scratch.BeginVisits(Capacity);
            SearchLayer(vectors, q, entry, entrySim, _efConstruction, l, ref filter, scratch, int.MaxValue);
            var found = scratch.Found;
            found.Clear();
            scratch.Results.DrainDescending(found);

            // The best candidate is where the next layer down starts.
            (entry, entrySim) = found[0];
            var chosen = SelectNeighbours(vectors, found, l == 0 ? _m0 : _m, _chosen);
            var links = Links(slot, l);
            links[0] = chosen.Count;
            for (var i = 0; i < chosen.Count; i++)
            {
                links[i + 1] = chosen[i].Slot;
            }

            foreach (var (neighbour, sim) in chosen)
            {
                AddLink(vectors, neighbour, slot, sim, l);
            }
        }

        if (level > _topLevel)
        {
            _entry = slot;
            _topLevel = level;
        }
    }

    /// <summary>
    /// Finds up to <paramref name="k"/> slots that pass <paramref name="filter"/>, nearest first, into
    /// <paramref name="into"/>; false when it gave up after <paramref name="budget"/> similarity computations (the filter
    /// let too few nodes through for the walk to be cheaper than a scan).
    /// </summary>
    public bool Search<TFilter>(float[] vectors, ReadOnlySpan<float> q, int k, int ef, ref TFilter filter, int budget, List<(int Slot, float Score)> into)
        where TFilter : struct, ISlotFilter
    {
        into.Clear();
        if (_entry < 0)
        {
            return true;
        }

        var entry = _entry;
        var entrySim = Similarity(vectors, entry, q);
        for (var l = _topLevel; l > 0; l--)
        {
            Descend(vectors, q, l, ref entry, ref entrySim);
        }

        var scratch = SearchScratch.ForThisThread();
        scratch.BeginVisits(Capacity);
        if (!SearchLayer(vectors, q, entry, entrySim, Math.Max(ef, k), 0, ref filter, scratch, budget))
        {
            return false;
        }

        var results = scratch.Results;
        while (results.Count > k)
        {
            results.Pop();
        }

        results.DrainDescending(into);
        return true;
    }

    private static float Similarity(float[] vectors, int slot, ReadOnlySpan<float> q) =>
        TensorPrimitives.Dot(new ReadOnlySpan<float>(vectors, slot * q.Length, q.Length), q);

    private ReadOnlySpan<float> Vector(float[] vectors, int slot) => new(vectors, slot * _dimensions, _dimensions);

    private Span<int> Links(int slot, int level) => level == 0
        ? _level0.AsSpan(slot * (_m0 + 1), _m0 + 1)
        : _upper[slot].AsSpan((level - 1) * (_m + 1), _m + 1);

    /// <summary>Greedy walk on one upper layer: move to a better neighbour while there is one.</summary>
    private void Descend(float[] vectors, ReadOnlySpan<float> q, int level, ref int current, ref float currentSim)
    {
        for (var moved = true; moved;)
        {
            moved = false;
            var links = Links(current, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var sim = Similarity(vectors, links[i], q);
                if (sim > currentSim)
                {
                    current = links[i];
                    currentSim = sim;
                    moved = true;
                }
            }
        }
    }

    /// <summary>
    /// Best-first search of one layer, leaving the best <paramref name="ef"/> accepted nodes in the scratch's results.
    /// Rejected nodes are still walked through (they connect the accepted ones), but only accepted ones take a place in
    /// the results, so a selective filter makes the walk go on longer: hence the budget.
    /// </summary>
    private bool SearchLayer<TFilter>(float[] vectors, ReadOnlySpan<float> q, int entry, float entrySim, int ef, int level, ref TFilter filter, SearchScratch scratch, int budget)
        where TFilter : struct, ISlotFilter
    {
        var candidates = scratch.Candidates;
        var results = scratch.Results;
        candidates.Clear();
        results.Clear();
        scratch.Visit(entry);
        candidates.Push(-entrySim, entry);
        var bound = float.NegativeInfinity;
        if (filter.Accepts(entry))
        {
            results.Push(entrySim, entry);
            bound = entrySim;
        }

        var computed = 0;
        while (candidates.Count > 0)
        {
            var (negated, current) = candidates.Pop();
            if (-negated < bound && results.Count >= ef)
            {
                break;
            }

            var links = Links(current, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var next = links[i];
                if (!scratch.Visit(next))
                {
                    continue;
                }

                if (++computed > budget)
                {
                    return false;
                }

                var sim = Similarity(vectors, next, q);
                if (results.Count < ef || sim > bound)
                {
                    candidates.Push(-sim, next);
                    if (filter.Accepts(next))
                    {
                        if (results.Count < ef)
                        {
                            results.Push(sim, next);
                        }
                        else
                        {
                            results.ReplaceTop(sim, next);
                        }

                        bound = results.TopKey;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The paper's neighbour heuristic: take candidates nearest first, keeping one only when it is nearer to the base than
    /// to every neighbour kept so far. <paramref name="candidates"/> is ordered by similarity to the base, best first.
    /// </summary>
    private List<(int Slot, float Sim)> SelectNeighbours(float[] vectors, List<(int Slot, float Score)> candidates, int max, List<(int Slot, float Sim)> chosen)
    {
        chosen.Clear();
        foreach (var (candidate, sim) in candidates)
        {
            if (chosen.Count == max)
            {
                break;
            }

            var keep = true;
            var vector = Vector(vectors, candidate);
            foreach (var (other, _) in chosen)
            {
                if (Similarity(vectors, other, vector) > sim)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                chosen.Add((candidate, sim));
            }
        }

        return chosen;
    }

    /// <summary>Links <paramref name="node"/> back to a new neighbour, re-choosing its neighbours when it has no room left.</summary>
    private void AddLink(float[] vectors, int node, int neighbour, float sim, int level)
    {
        var links = Links(node, level);
        var max = level == 0 ? _m0 : _m;
        if (links[0] < max)
        {
            links[++links[0]] = neighbour;
            return;
        }

        var candidates = _pool;
        candidates.Clear();
        candidates.Add((neighbour, sim));
        var vector = Vector(vectors, node);
        for (var i = 1; i <= links[0]; i++)
        {
            candidates.Add((links[i], Similarity(vectors, links[i], vector)));
        }

        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var chosen = SelectNeighbours(vectors, candidates, max, _relinked);
        links[0] = chosen.Count;
        for (var i = 0; i < chosen.Count; i++)
        {
            links[i + 1] = chosen[i].Slot;
        }
    }

    private int RandomLevel()
    {
        var level = (int)(-Math.Log(1 - _random.NextDouble()) * _levelFactor);
        return Math.Min(level, MaxLevel);
    }

    private void EnsureCapacity(int slots)
    {
        if (slots <= Capacity)
        {
            return;
        }

        var capacity = Math.Max(slots, Capacity + (Capacity / 2));
        Array.Resize(ref _level0, capacity * (_m0 + 1));
        Array.Resize(ref _upper, capacity);
    }

    /// <summary>Gets the bytes reserved per slot of capacity by the bottom layer and the upper-layer references.</summary>
    public long ReservedBytes => ((long)_level0.Length * sizeof(int)) + ((long)_upper.Length * IntPtr.Size) + Bytes;
}
