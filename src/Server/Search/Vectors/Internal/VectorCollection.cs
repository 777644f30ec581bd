using System.Numerics.Tensors;

namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// One collection of the in-process store, in memory: the points in <see cref="SlotArrays"/>, an id map, and past the
/// threshold an <see cref="HnswGraph"/>. Searches share a read lock; writes take the write lock one at a time. Nothing
/// here touches the disk: <see cref="CollectionFiles"/> does that for the store.
/// </summary>
internal sealed class VectorCollection : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly HnswOptions _hnsw;
    private readonly Action<string, Exception>? _buildFailed;
    private readonly CancellationTokenSource _closing = new();
    private SlotArrays _slots;
    private PayloadTables _tables = new();
    private Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private HnswGraph? _graph;
    private int _generation;
    private int _live;
    private long _idBytes;
    private int _building;
    private Task _build = Task.CompletedTask;
    private long _exactSearches;
    private long _graphSearches;
    private long _fallbackSearches;

    public VectorCollection(string name, int dimensions, HnswOptions hnsw, Action<string, Exception>? buildFailed = null, int capacity = 16)
    {
        Name = name;
        Dimensions = dimensions;
        _hnsw = hnsw;
        _buildFailed = buildFailed;
        _slots = new SlotArrays(dimensions, capacity);
    }

    public string Name { get; }

    public int Dimensions { get; }

    public int Live => Volatile.Read(ref _live);

    /// <summary>Gets the share of slots that hold deleted or replaced points.</summary>
    public double DeletedRatio
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count == 0 ? 0 : 1 - ((double)_live / _slots.Count);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets a task that completes when the graph build under way (if any) has ended.</summary>
    public Task Indexed => Volatile.Read(ref _build);

    /// <summary>Inserts or replaces points (already checked), then starts a graph build if the collection has just grown past the threshold.</summary>
    public void Upsert(IReadOnlyList<VectorPoint> points)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var point in points)
            {
                Put(point.Id, point.Payload, point.Vector.Span, normalize: true);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        IndexIfDue();
    }

    /// <summary>Adds a point read back from a snapshot, whose vector is normalized already.</summary>
    public void Restore(string id, VectorPayload payload, ReadOnlySpan<float> normalized)
    {
        _lock.EnterWriteLock();
        try
        {
            Put(id, payload, normalized, normalize: false);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int Delete(IEnumerable<string> ids)
    {
        _lock.EnterWriteLock();
        try
        {
            var removed = 0;
            foreach (var id in ids)
            {
                if (id is not null && _slotById.Remove(id, out var slot))
                {
                    Tombstone(slot);
                    removed++;
                }
            }

            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Whether any of the ids is here, so a delete of none of them need not be logged.</summary>
    public bool ContainsAny(IEnumerable<string> ids)
    {
        _lock.EnterReadLock();
        try
        {
            return ids.Any(id => id is not null && _slotById.ContainsKey(id));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Whether a tenant's source has points here, so deleting them when it has none need not be logged.</summary>
    public bool HasSource(string tenantId, string sourceId)
    {
        _lock.EnterReadLock();
        try
        {
            return _tables.Tenants.TryFind(tenantId, out var tenant) && _tables.Sources.TryFind(sourceId, out var source) && _tables.Sources.Live(source) > 0
                && Enumerable.Range(0, _slots.Count).Any(slot => _slots.Source[slot] == source && _slots.Tenant[slot] == tenant && !_slots.Deleted[slot]);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public int DeleteBySource(string tenantId, string sourceId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_tables.Tenants.TryFind(tenantId, out var tenant) || !_tables.Sources.TryFind(sourceId, out var source) || _tables.Sources.Live(source) == 0)
            {
                return 0;
            }

            var removed = 0;
            var slots = _slots;
            for (var slot = 0; slot < slots.Count; slot++)
            {
                if (slots.Source[slot] == source && slots.Tenant[slot] == tenant && !slots.Deleted[slot])
                {
                    _slotById.Remove(slots.Ids[slot]);
                    Tombstone(slot);
                    removed++;
                }
            }

            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The nearest points that pass the query's filter (the query already checked), best first.</summary>
    public List<VectorHit> Search(VectorQuery query)
    {
        var hits = new List<VectorHit>();
        if (VectorChecks.MatchesNothing(query))
        {
            return hits;
        }

        Span<float> q = Dimensions <= 1024 ? stackalloc float[Dimensions] : new float[Dimensions];
        VectorChecks.Normalize(query.Vector.Span, q);

        _lock.EnterReadLock();
        try
        {
            if (!TryResolve(query, out var filter, out var estimate))
            {
                return hits;
            }

            var found = SearchScratch.ForThisThread().Found;
            Find(q, query.Limit, ref filter, estimate, found);
            foreach (var (slot, score) in found)
            {
                hits.Add(new VectorHit(_slots.Ids[slot], Math.Clamp(score, -1f, 1f), _tables.Payload(_slots, slot)));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        // The filter decided already; this is the last word on what may leave, whatever the index did.
        hits.RemoveAll(hit => !VectorChecks.Accepts(query, hit.Payload));
        hits.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Id, b.Id));
        return hits;
    }

    /// <summary>The live points as they are now, for a snapshot written without holding the lock.</summary>
    public CollectionCapture Capture()
    {
        _lock.EnterReadLock();
        try
        {
            var view = _slots.Freeze();
            var live = new int[_live];
            var n = 0;
            for (var slot = 0; slot < view.Count; slot++)
            {
                if (!view.Deleted[slot])
                {
                    live[n++] = slot;
                }
            }

            return new CollectionCapture(
                Dimensions, view, live, _tables.Tenants.ToArray(), _tables.Sources.ToArray(), _tables.Scopes.ToArray(), _tables.Kinds.ToArray(), _tables.Categories.ToArray());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Copies the live points into fresh slots, dropping deleted ones and the values nobody holds any more. The graph is
    /// dropped too (its nodes are slots) and built again; searches are exact until it is.
    /// </summary>
    public void Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            var old = _slots;
            var oldTables = _tables;
            var slots = new SlotArrays(Dimensions, _live + Math.Max(_live / 4, 16));
            var tables = new PayloadTables();
            var byId = new Dictionary<string, int>(_live, StringComparer.Ordinal);
            _idBytes = 0;
            for (var slot = 0; slot < old.Count; slot++)
            {
                if (old.Deleted[slot])
                {
                    continue;
                }

                var to = slots.Count++;
                old.Vector(slot).CopyTo(slots.Vector(to));
                slots.Ids[to] = old.Ids[slot];
                tables.Store(slots, to, oldTables.Payload(old, slot));
                byId.Add(old.Ids[slot], to);
                _idBytes += StringBytes(old.Ids[slot]);
            }

            _slots = slots;
            _tables = tables;
            _slotById = byId;
            _graph = null;
            _generation++;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        IndexIfDue();
    }

    public VectorCollectionStats Stats()
    {
        _lock.EnterReadLock();
        try
        {
            var graph = _graph;
            var index = graph is not null ? VectorIndexKind.Graph : Volatile.Read(ref _building) == 1 ? VectorIndexKind.Building : VectorIndexKind.Exact;

            // Dictionary<string, int>: a 24-byte entry and a 4-byte bucket per id.
            var bytes = ((double)_slots.Capacity * _slots.BytesPerSlot) + _idBytes + (_slotById.Count * 28.0) + (graph?.ReservedBytes ?? 0);
            return new VectorCollectionStats(
                Name,
                Dimensions,
                _live,
                _slots.Count - _live,
                index,
                _live == 0 ? 0 : bytes / _live,
                Interlocked.Read(ref _exactSearches),
                Interlocked.Read(ref _graphSearches),
                Interlocked.Read(ref _fallbackSearches));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        try
        {
            _build.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A failed build was reported when it failed.
        }

        // The lock stays undisposed: a search that found this collection just before it was removed may still be taking
        // it, and should find an empty answer rather than a disposed lock. Its events are freed by their finalizers.
        _closing.Dispose();
    }

    // What a managed string of this length takes: the object header and length, the characters, rounded to 8 bytes.
    private static long StringBytes(string s) => (22 + (2L * s.Length) + 7) & ~7L;

    /// <summary>Writes a point into a new slot (a replaced one is only marked deleted: slots never change) and links it into the graph.</summary>
    private void Put(string id, VectorPayload payload, ReadOnlySpan<float> vector, bool normalize)
    {
        if (_slotById.TryGetValue(id, out var old))
        {
            Tombstone(old);
        }

        _slots.EnsureRoom();
        var slot = _slots.Count;
        if (normalize)
        {
            VectorChecks.Normalize(vector, _slots.Vector(slot));
        }
        else
        {
            vector.CopyTo(_slots.Vector(slot));
        }

        _slots.Ids[slot] = id;
        _slots.Deleted[slot] = false;
        _tables.Store(_slots, slot, payload);
        _slots.Count++;
        _live++;
        _idBytes += StringBytes(id);
        _slotById[id] = slot;
        _graph?.Insert(slot, _slots.Vectors);
    }

    private void Tombstone(int slot)
    {
        _slots.Deleted[slot] = true;
        _tables.Release(_slots, slot);
        _live--;
    }

    /// <summary>
    /// Turns the query's filter into value numbers, with an upper bound of the points it can let through (the smallest of
    /// the tenant's count and each set's summed counts); false when it can let nothing through.
    /// </summary>
    private bool TryResolve(VectorQuery query, out SlotFilter filter, out int estimate)
    {
        filter = default;
        estimate = 0;
        if (!_tables.Tenants.TryFind(query.TenantId, out var tenant) || (estimate = _tables.Tenants.Live(tenant)) == 0)
        {
            return false;
        }

        if (!TryResolveSet(query.Scopes, _tables.Scopes, ref estimate, out var scopes)
            || !TryResolveSet(query.Kinds, _tables.Kinds, ref estimate, out var kinds)
            || !TryResolveSet(query.Categories, _tables.Categories, ref estimate, out var categories))
        {
            return false;
        }

        filter = new SlotFilter(_slots, tenant, scopes, kinds, categories, query.CreatedFrom ?? long.MinValue, query.CreatedTo is { } to ? to - 1 : long.MaxValue);
        return true;
    }

    private static bool TryResolveSet(IReadOnlyCollection<string>? values, StringTable table, ref int estimate, out int[]? ids)
    {
        ids = null;
        if (values is null)
        {
            return true;
        }

        var resolved = new List<int>(values.Count);
        var live = 0L;
        foreach (var value in values)
        {
            if (value is not null && table.TryFind(value, out var id) && table.Live(id) > 0 && !resolved.Contains(id))
            {
                resolved.Add(id);
                live += table.Live(id);
            }
        }

        resolved.Sort();
        ids = [.. resolved];
        estimate = (int)Math.Min(estimate, live);
        return ids.Length > 0;
    }

    /// <summary>
    /// Chooses the plan: an exact scan without a graph or when the filter lets few points through; otherwise the graph,
    /// asked again with a wider search while it finds fewer than the limit of the points that pass, and given up for an
    /// exact scan when even that falls short or its walk costs more than a scan would.
    /// </summary>
    private void Find(ReadOnlySpan<float> q, int k, ref SlotFilter filter, int estimate, List<(int Slot, float Score)> found)
    {
        var graph = _graph;
        var ef = Math.Max(_hnsw.EfSearch, k);

        // A scan computes one similarity per point the filter lets through, each a cache miss once they are sparse; a walk
        // among mostly rejected nodes computes about ef / (share let through) of them, as scattered. VectorBench puts the
        // crossover near sqrt(4 x ef x points) points let through (10,000 of 100,000 walk faster than they scan).
        var scanBelow = _hnsw.ExactScanMatches ?? (int)Math.Sqrt(4.0 * ef * _live);
        if (graph is null || estimate <= scanBelow)
        {
            Interlocked.Increment(ref _exactSearches);
            Scan(q, k, ref filter, found);
            return;
        }

        // A walk that has computed twice as many similarities as the filter can let points through has cost more than a
        // scan would (whose every match is a similarity too, and a cache miss like each step of the walk); never less
        // than a few widths of the search, never more than a quarter of the collection.
        var budget = Math.Max(16 * ef, Math.Min(2 * estimate, _live / 4));
        var matches = -1;
        for (var widest = 16 * ef; ; ef *= 4)
        {
            if (!graph.Search(_slots.Vectors, q, k, ef, ref filter, budget, found))
            {
                break;
            }

            if (found.Count >= k || found.Count >= (matches = matches >= 0 ? matches : CountMatches(ref filter)))
            {
                Interlocked.Increment(ref _graphSearches);
                return;
            }

            if (ef >= widest)
            {
                break;
            }
        }

        Interlocked.Increment(ref _fallbackSearches);
        Scan(q, k, ref filter, found);
    }

    private void Scan(ReadOnlySpan<float> q, int k, ref SlotFilter filter, List<(int Slot, float Score)> found)
    {
        found.Clear();
        var best = SearchScratch.ForThisThread().Spare;
        best.Clear();
        var slots = _slots;
        var vectors = slots.Vectors;
        var d = Dimensions;
        for (var slot = 0; slot < slots.Count; slot++)
        {
            if (!filter.Accepts(slot))
            {
                continue;
            }

            var sim = TensorPrimitives.Dot(new ReadOnlySpan<float>(vectors, slot * d, d), q);
            if (best.Count < k)
            {
                best.Push(sim, slot);
            }
            else if (sim > best.TopKey)
            {
                best.ReplaceTop(sim, slot);
            }
        }

        best.DrainDescending(found);
    }

    private int CountMatches(ref SlotFilter filter)
    {
        var n = 0;
        for (var slot = 0; slot < _slots.Count; slot++)
        {
            if (filter.Accepts(slot))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Starts building the graph when the collection has reached the threshold and has none (in the background, or now).</summary>
    public void IndexIfDue()
    {
        if (Volatile.Read(ref _graph) is not null || Live < _hnsw.Threshold || Interlocked.CompareExchange(ref _building, 1, 0) != 0)
        {
            return;
        }

        if (_hnsw.BackgroundBuild)
        {
            Volatile.Write(ref _build, Task.Run(BuildGraph));
        }
        else
        {
            BuildGraph();
        }
    }

    /// <summary>
    /// Builds the graph over the slots as they are, without the lock (slots never change once written), then under the
    /// write lock links in what was written meanwhile and publishes it. A compaction meanwhile renumbered the slots, so the
    /// build starts over.
    /// </summary>
    private void BuildGraph()
    {
        try
        {
            var token = _closing.Token;
            while (!token.IsCancellationRequested)
            {
                SlotView view;
                int generation;
                _lock.EnterReadLock();
                try
                {
                    if (_graph is not null || _live < _hnsw.Threshold)
                    {
                        return;
                    }

                    view = _slots.Freeze();
                    generation = _generation;
                }
                finally
                {
                    _lock.ExitReadLock();
                }

                var graph = new HnswGraph(Dimensions, _hnsw.M, _hnsw.EfConstruction, view.Count + (view.Count / 4), _hnsw.Seed);
                for (var slot = 0; slot < view.Count; slot++)
                {
                    if ((slot & 1023) == 0 && token.IsCancellationRequested)
                    {
                        return;
                    }

                    if (!view.Deleted[slot])
                    {
                        graph.Insert(slot, view.Vectors);
                    }
                }

                _lock.EnterWriteLock();
                try
                {
                    if (generation != _generation)
                    {
                        continue;
                    }

                    for (var slot = view.Count; slot < _slots.Count; slot++)
                    {
                        if (!_slots.Deleted[slot])
                        {
                            graph.Insert(slot, _slots.Vectors);
                        }
                    }

                    Volatile.Write(ref _graph, graph);
                    return;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }
        }
        catch (Exception ex) when (_buildFailed is not null)
        {
            // Searches stay exact: slower, never wrong.
            _buildFailed(Name, ex);
        }
        finally
        {
            Volatile.Write(ref _building, 0);
        }
    }
}

/// <summary>A collection's live points and payload values at one moment, for a snapshot.</summary>
internal sealed record CollectionCapture(
    int Dimensions, SlotView Slots, int[] LiveSlots, string[] Tenants, string[] Sources, string[] Scopes, string[] Kinds, string[] Categories);
