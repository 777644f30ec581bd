namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// A binary min-heap of (key, slot) pairs, reused across searches. With the similarity as key its top is the worst of a
/// result set; with the negated similarity, the best candidate.
/// </summary>
internal sealed class NodeHeap
{
    private float[] _keys;
    private int[] _slots;

    public NodeHeap(int capacity = 64)
    {
        _keys = new float[capacity];
        _slots = new int[capacity];
    }

    public int Count { get; private set; }

    public float TopKey => _keys[0];

    public int TopSlot => _slots[0];

    public void Clear() => Count = 0;

    public void Push(float key, int slot)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _slots, Count * 2);
        }

        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_keys[parent] <= key)
            {
                break;
            }

            _keys[i] = _keys[parent];
            _slots[i] = _slots[parent];
            i = parent;
        }

        _keys[i] = key;
        _slots[i] = slot;
    }

    public (float Key, int Slot) Pop()
    {
        var top = (_keys[0], _slots[0]);
        var last = --Count;
        if (last > 0)
        {
            SiftDown(_keys[last], _slots[last]);
        }

        return top;
    }

    /// <summary>Replaces the top with a new pair (a bounded result set taking a better one).</summary>
    public void ReplaceTop(float key, int slot) => SiftDown(key, slot);

    /// <summary>Empties the heap into <paramref name="into"/>, best (largest key) first.</summary>
    public void DrainDescending(List<(int Slot, float Score)> into)
    {
        var start = into.Count;
        while (Count > 0)
        {
            var (key, slot) = Pop();
            into.Add((slot, key));
        }

        into.Reverse(start, into.Count - start);
    }

    private void SiftDown(float key, int slot)
    {
        var i = 0;
        var half = Count >> 1;
        while (i < half)
        {
            var child = (2 * i) + 1;
            if (child + 1 < Count && _keys[child + 1] < _keys[child])
            {
                child++;
            }

            if (key <= _keys[child])
            {
                break;
            }

            _keys[i] = _keys[child];
            _slots[i] = _slots[child];
            i = child;
        }

        _keys[i] = key;
        _slots[i] = slot;
    }
}
