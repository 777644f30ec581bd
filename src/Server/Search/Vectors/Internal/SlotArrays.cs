namespace Atom.Server.Search.Vectors.Internal;

/// <summary>
/// A collection's points, one slot each, as columns: the normalized vectors back to back (so a scan reads memory in order),
/// and the payload fields as numbers of <see cref="StringTable"/> values. Slots are only appended, and a slot's contents
/// never change once written; a replaced or deleted point is only marked deleted. So a reader that took the arrays and
/// the count at one moment can read those slots later without a lock, while writers append.
/// </summary>
internal sealed class SlotArrays
{
    public SlotArrays(int dimensions, int capacity)
    {
        Dimensions = dimensions;
        capacity = Math.Max(capacity, 16);
        Vectors = new float[(long)capacity * dimensions];
        Ids = new string[capacity];
        Tenant = new int[capacity];
        Source = new int[capacity];
        Scope = new int[capacity];
        Kind = new int[capacity];
        Category = new int[capacity];
        Created = new long[capacity];
        Deleted = new bool[capacity];
    }

    public int Dimensions { get; }

    public int Count { get; set; }

    public int Capacity => Ids.Length;

    public float[] Vectors { get; private set; }

    public string[] Ids { get; private set; }

    public int[] Tenant { get; private set; }

    public int[] Source { get; private set; }

    public int[] Scope { get; private set; }

    public int[] Kind { get; private set; }

    public int[] Category { get; private set; }

    public long[] Created { get; private set; }

    public bool[] Deleted { get; private set; }

    /// <summary>Bytes held per slot of capacity by the columns (the vector included, the id strings not).</summary>
    public int BytesPerSlot => (Dimensions * sizeof(float)) + IntPtr.Size + (5 * sizeof(int)) + sizeof(long) + sizeof(bool);

    /// <summary>The arrays as they are now, for a reader that goes on without the lock (see the class remarks).</summary>
    public SlotView Freeze() => new(Count, Vectors, Ids, Tenant, Source, Scope, Kind, Category, Created, Deleted);

    public Span<float> Vector(int slot) => Vectors.AsSpan(slot * Dimensions, Dimensions);

    /// <summary>Makes room for one more slot, growing every column by half again (new arrays: readers keep the old ones).</summary>
    public void EnsureRoom()
    {
        if (Count < Capacity)
        {
            return;
        }

        var capacity = checked(Capacity + Math.Max(Capacity / 2, 16));
        Vectors = Grow(Vectors, (long)capacity * Dimensions, (long)Count * Dimensions);
        Ids = Grow(Ids, capacity, Count);
        Tenant = Grow(Tenant, capacity, Count);
        Source = Grow(Source, capacity, Count);
        Scope = Grow(Scope, capacity, Count);
        Kind = Grow(Kind, capacity, Count);
        Category = Grow(Category, capacity, Count);
        Created = Grow(Created, capacity, Count);
        Deleted = Grow(Deleted, capacity, Count);
    }

    private static T[] Grow<T>(T[] old, long length, long used)
    {
        var grown = new T[length];
        Array.Copy(old, grown, used);
        return grown;
    }
}

/// <summary>A collection's columns up to a slot count, as they were when taken: the slots below it never change.</summary>
internal sealed record SlotView(
    int Count, float[] Vectors, string[] Ids, int[] Tenant, int[] Source, int[] Scope, int[] Kind, int[] Category, long[] Created, bool[] Deleted);
