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
}
