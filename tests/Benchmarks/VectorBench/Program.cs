using Atom.Benchmarks.Shared;
using Atom.Benchmarks.VectorBench;
using Atom.Server.Search.Vectors;

// The in-process vector store measured through its public API (tests/Benchmarks/README.md, "Vectors"): insert rate,
// memory per vector, query p50/p95 of the exact scan and the HNSW graph with and without selective filters, the graph's
// recall@10 against the exact answer, and a snapshot's write and load. Figures, never pass/fail on time.
ToolArguments arguments;
int[] sizes;
try
{
    arguments = ToolArguments.Parse(
        args,
        new HashSet<string> { "--sizes", "--dimensions", "--queries", "--m", "--ef-construction", "--ef-search", "--report", "--machine", "--temp", "--warmup" },
        new HashSet<string>());
    sizes = [.. arguments.Text("--sizes", "10000,100000").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
    if (arguments.Command != "run" || sizes.Any(s => s < 100))
    {
        throw new ArgumentException(arguments.Command != "run" ? $"unknown command '{arguments.Command}'" : "sizes start at 100 points");
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: VectorBench run [--sizes 10000,100000] [--dimensions 100] [--queries 200] [--m 16] [--ef-construction 200]");
    Console.Error.WriteLine("         [--ef-search 64] [--warmup SECONDS] [--report PREFIX] [--machine TEXT] [--temp DIR]");
    return 2;
}

var defaults = new HnswOptions();
var hnsw = new HnswOptions
{
    M = arguments.Int("--m", defaults.M),
    EfConstruction = arguments.Int("--ef-construction", defaults.EfConstruction),
    EfSearch = arguments.Int("--ef-search", defaults.EfSearch),
    Threshold = 1000,
};
var dimensions = arguments.Int("--dimensions", 100);
var queries = arguments.Int("--queries", 200);
var warmUp = TimeSpan.FromSeconds(arguments.Number("--warmup", 2));
var temp = arguments.Text("--temp", Path.Combine(Path.GetTempPath(), "atom-vectorbench-" + Environment.ProcessId));
Directory.CreateDirectory(temp);

var indexes = new List<IndexFigures>();
var persistence = new List<PersistenceFigures>();
try
{
    foreach (var size in sizes)
    {
        var (exact, graph, persisted) = await VectorRun.RunAsync(size, dimensions, queries, hnsw, warmUp, temp, Console.Out);
        indexes.Add(exact);
        indexes.Add(graph);
        persistence.Add(persisted);
    }
}
finally
{
    Directory.Delete(temp, recursive: true);
}

var result = new VectorResult(
    dimensions,
    queries,
    $"HNSW M={hnsw.M} efConstruction={hnsw.EfConstruction} efSearch={hnsw.EfSearch} (filtered searches scan exactly when the filter lets few enough points through)",
    indexes,
    persistence,
    arguments.Text("--machine", $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; one thread measures at a time."));
Console.WriteLine();
if (arguments.Value("--report") is { } prefix)
{
    ReportFiles.Write(prefix, result.ToMarkdown(), result.ToJson());
}
else
{
    Console.Write(result.ToMarkdown());
}

return 0;
