using Atom.Benchmarks.SearchBench;
using Atom.Benchmarks.Shared;

// The whole search measured in one process (tests/Benchmarks/README.md, "Search"): the server's indexer, FTS5 store,
// GloVe embeddings and in-process vector store over this machine's man pages.
//   run      index up to each size; MRR@10 and recall@10 per query set and mode, latency p50/p95 per mode, indexing rate,
//            memory, the vector index's recall@10 against an exact scan
//   report   the tables of a run's JSON into PREFIX.{md,json}, with the machine note
// Figures, never pass/fail on time or quality: the exit code is 1 only when a search failed or answered malformed, or
// indexing lost chunks; 2 for bad arguments.
ToolArguments arguments;
int[] sizes;
try
{
    arguments = ToolArguments.Parse(
        args,
        new HashSet<string> { "--sizes", "--queries", "--latency-queries", "--warmup", "--man", "--doc", "--cache", "--data", "--glove", "--out", "--result", "--report", "--machine" },
        new HashSet<string>());
    sizes = arguments.IntList("--sizes", "10000,100000");
    if (arguments.Command is not ("run" or "report") || sizes.Any(s => s < 10))
    {
        throw new ArgumentException(arguments.Command is not ("run" or "report") ? $"unknown command '{arguments.Command}'" : "sizes start at 10 chunks");
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: SearchBench run [--sizes 10000,100000] [--queries 1000] [--latency-queries 300] [--warmup SECONDS]");
    Console.Error.WriteLine("         [--man /usr/share/man] [--doc /usr/share/doc] [--cache DIR] [--data DIR] [--glove FILE] [--out FILE]");
    Console.Error.WriteLine("       SearchBench report --result FILE --report PREFIX [--machine TEXT]");
    return 2;
}

SearchResult result;
if (arguments.Command == "report")
{
    result = SearchResult.FromJson(await File.ReadAllTextAsync(arguments.Text("--result", "latest-run.json"))) with { Machine = arguments.Text("--machine", string.Empty) };
    ReportFiles.Write(arguments.Text("--report", "latest"), result.ToMarkdown(), result.ToJson());
    return result.Failures.Count == 0 ? 0 : 1;
}

var data = arguments.Text("--data", Path.Combine(Path.GetTempPath(), "atom-searchbench-" + Environment.ProcessId));
Directory.CreateDirectory(data);
try
{
    var settings = new RunSettings(
        sizes,
        arguments.Int("--queries", 1000),
        arguments.Int("--latency-queries", 300),
        TimeSpan.FromSeconds(arguments.Number("--warmup", 2)),
        arguments.Text("--man", "/usr/share/man"),
        arguments.Text("--doc", "/usr/share/doc"),
        arguments.Text("--cache", Path.Combine(data, "corpus")),
        data,
        arguments.Value("--glove"));
    result = await SearchRun.RunAsync(settings, Console.Out) with { Machine = $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}." };
}
finally
{
    Directory.Delete(data, recursive: true);
}

await ReportFiles.WriteResultAsync(arguments.Value("--out"), asJson: false, result.ToJson(), Environment.NewLine + result.ToMarkdown());
return result.Failures.Count == 0 ? 0 : 1;
