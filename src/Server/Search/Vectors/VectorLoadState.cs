namespace Atom.Server.Search.Vectors;

/// <summary>What the in-process store found of a collection on disk when it started.</summary>
public enum VectorLoadState
{
    /// <summary>Nothing: the collection is new (or was created since). If the relational store already holds sources, index them.</summary>
    Absent,

    /// <summary>Loaded whole: the snapshot and every acknowledged write after it.</summary>
    Restored,

    /// <summary>
    /// Its files were damaged or incomplete: they were moved aside (to <c>&lt;name&gt;.corrupt-&lt;time&gt;</c>) and the
    /// collection does not exist now. Create it again and re-index it from the relational store.
    /// </summary>
    Lost,
}

/// <summary>What the in-process store loaded of one collection at start-up.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="State">What was found.</param>
/// <param name="Points">The points loaded (0 when lost).</param>
/// <param name="Detail">What was wrong (for <see cref="VectorLoadState.Lost"/>) or worth knowing (a cut-short last write dropped); null otherwise.</param>
public sealed record VectorCollectionLoad(string Collection, VectorLoadState State, long Points, string? Detail);
