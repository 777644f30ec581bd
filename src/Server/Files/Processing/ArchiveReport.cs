namespace Atom.Server.Files.Processing;

/// <summary>What <see cref="ArchiveInspector"/> found in an archive that is within every limit.</summary>
/// <param name="Entries">The number of entries, counting those of nested archives.</param>
/// <param name="ExpandedBytes">The decompressed bytes of every entry, actually counted (nested archives' entries included).</param>
/// <param name="MaxDepth">The deepest nesting: 0 when no entry is itself an archive, 1 when some entry is a zip, and so on.</param>
public sealed record ArchiveReport(int Entries, long ExpandedBytes, int MaxDepth);
