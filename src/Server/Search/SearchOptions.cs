namespace Atom.Server.Search;

/// <summary>How search ranks and widens queries (configuration section <c>Atom:Search</c>).</summary>
public sealed class SearchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Search";

    /// <summary>
    /// Gets or sets more synonym groups, each a comma-separated list ("k8s, kubernetes"), added to the built-in English
    /// ones: a query's words are widened with their group.
    /// </summary>
    public IList<string> Synonyms { get; set; } = [];

    /// <summary>
    /// Gets or sets the least cosine similarity a semantic hit needs. Nearest neighbours always exist; below this they
    /// are not near (0.3 suits the embedded GloVe model, where unrelated texts score about 0 to 0.25).
    /// </summary>
    public double MinSimilarity { get; set; } = 0.3;

    /// <summary>Gets or sets k of reciprocal rank fusion: larger flattens the difference between ranks.</summary>
    public int FusionK { get; set; } = 60;

    /// <summary>
    /// Gets or sets how much a rank on the semantic side counts against one on the keyword side in the fusion (1: as much).
    /// Below 1, the words people typed lead and meaning fills in where words find little; the benchmark's evaluation
    /// set (tests/Benchmarks/search.sh) is how to choose it for an embedding model.
    /// </summary>
    public double SemanticWeight { get; set; } = 1.0;
}
