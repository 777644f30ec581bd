using Atom.Benchmarks.Shared;
using Atom.Benchmarks.VectorBench;
using Atom.Server.Search.Vectors;

// The in-process vector store measured through its public API (tests/Benchmarks/README.md, "Vectors"):
//   run      insert rate, memory per vector, query p50/p95 and CPU per query of the exact scan and the HNSW graph with
//            and without selective filters, the graph's recall@10 against the exact answer, a snapshot's write and load
//   report   the tables of a run's JSON into PREFIX.{md,json}, with the machine note
// Figures, never pass/fail on time: the exit code is 1 only when a loaded snapshot answered differently or the graph's
// recall says it is broken, 2 for bad arguments.
ToolArguments arguments;
int[] sizes;
try
{
    arguments = ToolArguments.Parse(
        args,
        new HashSet<string> { "--sizes", "--dimensions", "--queries", "--m", "--ef-construction", "--ef-search", "--warmup", "--exact-scan-matches", "--out", "--temp", "--result", "--report", "--machine" },
        new HashSet<string>());
    sizes = arguments.IntList("--sizes", "10000,100000");
    if (arguments.Command is not ("run" or "report") || sizes.Any(s => s < 100))
    {
        throw new ArgumentException(arguments.Command is not ("run" or "report") ? $"unknown command '{arguments.Command}'" : "sizes start at 100 points");
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: VectorBench run [--sizes 10000,100000] [--dimensions 100] [--queries 200] [--m 16] [--ef-construction 100]");
    Console.Error.WriteLine("         [--ef-search 64] [--exact-scan-matches N] [--warmup SECONDS] [--out FILE] [--temp DIR]");
    Console.Error.WriteLine("       VectorBench report --result FILE --report PREFIX [--machine TEXT]");
    return 2;
}

VectorResult result;
if (arguments.Command == "report")
{
    result = VectorResult.FromJson(await File.ReadAllTextAsync(arguments.Text("--result", "latest-run.json"))) with { Machine = arguments.Text("--machine", string.Empty) };
    ReportFiles.Write(arguments.Text("--report", "latest"), result.ToMarkdown(), result.ToJson());
    return result.Failures.Count == 0 ? 0 : 1;
}

var defaults = new HnswOptions();
var hnsw = new HnswOptions
{
    M = arguments.Int("--m", defaults.M),
    EfConstruction = arguments.Int("--ef-construction", defaults.EfConstruction),
    EfSearch = arguments.Int("--ef-search", defaults.EfSearch),
    ExactScanMatches = arguments.OptionalInt("--exact-scan-matches"),
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

result = new VectorResult(
    dimensions,
    queries,
    $"HNSW M={hnsw.M} efConstruction={hnsw.EfConstruction} efSearch={hnsw.EfSearch} (filtered searches scan exactly when the filter lets few enough points through)",
    indexes,
    persistence,
    $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}.");
await ReportFiles.WriteResultAsync(arguments.Value("--out"), asJson: false, result.ToJson(), Environment.NewLine + result.ToMarkdown());
return result.Failures.Count == 0 ? 0 : 1;
