namespace Atom.Server.Search.Vectors.Internal;

/// <summary>Whether a slot may be returned by a search.</summary>
internal interface ISlotFilter
{
    bool Accepts(int slot);
}

/// <summary>Lets every slot through: the graph's own searches while it links a node in.</summary>
internal readonly struct AcceptAll : ISlotFilter
{
    public bool Accepts(int slot) => true;
}

/// <summary>
/// A <see cref="Vectors.VectorQuery"/> resolved against one collection's <see cref="StringTable"/>s: the tenant and each
/// set as value numbers, checked against the columns. The tenant comes first, so another tenant's point costs one compare.
/// </summary>
internal readonly struct SlotFilter : ISlotFilter
{
    private readonly SlotArrays _slots;
    private readonly int _tenant;
    private readonly int[]? _scopes;
    private readonly int[]? _kinds;
    private readonly int[]? _categories;
    private readonly long _from;
    private readonly long _toInclusive;

    public SlotFilter(SlotArrays slots, int tenant, int[]? scopes, int[]? kinds, int[]? categories, long from, long toInclusive)
    {
        _slots = slots;
        _tenant = tenant;
        _scopes = scopes;
        _kinds = kinds;
        _categories = categories;
        _from = from;
        _toInclusive = toInclusive;
    }

    public bool Accepts(int slot)
    {
        var s = _slots;
        if (s.Tenant[slot] != _tenant || s.Deleted[slot])
        {
            return false;
        }

        var created = s.Created[slot];
        return created >= _from && created <= _toInclusive
            && (_scopes is null || Contains(_scopes, s.Scope[slot]))
            && (_kinds is null || Contains(_kinds, s.Kind[slot]))
            && (_categories is null || Contains(_categories, s.Category[slot]));
    }

    /// <summary>Membership in a sorted set: a scan for the few values a filter mostly has, a binary search past that.</summary>
    private static bool Contains(int[] sorted, int value)
    {
        if (sorted.Length <= 8)
        {
            foreach (var v in sorted)
            {
                if (v == value)
                {
                    return true;
                }
            }

            return false;
        }

        return Array.BinarySearch(sorted, value) >= 0;
    }
}
