using System.Globalization;
using System.Text;
using System.Text.Json;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.VectorBench;

/// <summary>Query latencies of one kind of search, in milliseconds, and its recall@10 against the exact answer.</summary>
/// <param name="Filter">The filter: none, 1/10 or 1/100 of the points.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="CpuMs">The mean CPU time per query: what a query costs, without the waits for a core that a busy machine adds to latencies.</param>
/// <param name="Recall">Recall@10 against the exact search; 1 for the exact search itself.</param>
public sealed record QueryFigures(string Filter, double P50, double P95, double CpuMs, double Recall);

/// <summary>The figures of one index at one size.</summary>
/// <param name="Index">exact or hnsw.</param>
/// <param name="Points">The points.</param>
/// <param name="InsertsPerSecond">Points upserted per second (batches of 1,000; for hnsw, linked into the graph as they arrive).</param>
/// <param name="BytesPerVector">Managed heap growth per point, measured.</param>
/// <param name="EstimatedBytesPerVector">The store's own estimate (<c>VectorCollectionStats.BytesPerVector</c>).</param>
/// <param name="Queries">The latencies and recall per filter.</param>
public sealed record IndexFigures(string Index, int Points, double InsertsPerSecond, double BytesPerVector, double EstimatedBytesPerVector, List<QueryFigures> Queries);

/// <summary>Writing and loading one size's snapshot.</summary>
/// <param name="Points">The points.</param>
/// <param name="SnapshotMegabytes">The snapshot's size.</param>
/// <param name="WriteSeconds">The time to write it (fsync and rename included).</param>
/// <param name="LoadSeconds">The time to load it back: from then on it is searched (by exact scans).</param>
/// <param name="GraphSeconds">The time after loading until its graph, built again in the background, took over the searches.</param>
/// <param name="SameAfterLoad">Whether the loaded store held the same points and gave the same hits (a check, not a figure).</param>
public sealed record PersistenceFigures(int Points, double SnapshotMegabytes, double WriteSeconds, double LoadSeconds, double GraphSeconds, bool SameAfterLoad);

/// <summary>A whole run.</summary>
/// <param name="Dimensions">The vectors' length.</param>
/// <param name="QueriesPerKind">Queries per filter.</param>
/// <param name="Hnsw">The graph settings.</param>
/// <param name="Indexes">The figures per index and size.</param>
/// <param name="Persistence">The snapshot figures per size.</param>
/// <param name="Machine">The machine note.</param>
public sealed record VectorResult(int Dimensions, int QueriesPerKind, string Hnsw, List<IndexFigures> Indexes, List<PersistenceFigures> Persistence, string Machine)
{
    /// <summary>The lowest recall@10 of an unfiltered graph search that is not a broken index.</summary>
    public const double RecallFloor = 0.9;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Gets what went wrong: a store that loaded other points than it saved, or a graph whose recall says it is broken. Never time.</summary>
    public List<string> Failures =>
    [
        .. Persistence.Where(p => !p.SameAfterLoad).Select(p => $"{p.Points} points: the store loaded from the snapshot gave other answers"),
        .. Indexes.Where(i => i.Index == "hnsw").SelectMany(i => i.Queries.Where(q => q.Recall < RecallFloor).Select(q => $"hnsw {i.Points} points, filter {q.Filter}: recall@10 {q.Recall:F3} < {RecallFloor}")),
    ];

    public static VectorResult FromJson(string json) => JsonSerializer.Deserialize<VectorResult>(json) ?? throw new FormatException("not a VectorBench result");

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Vector store: {Dimensions}-d, {QueriesPerKind} queries per kind, {Hnsw}");
        md.AppendLine();
        md.AppendLine(Machine);
        md.AppendLine();
        ReportFiles.Header(md, "| index | points | inserts/s | bytes/vector (measured) | bytes/vector (estimate) | MiB per 100k |", 2);
        foreach (var i in Indexes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {i.Index} | {i.Points:N0} | {i.InsertsPerSecond:N0} | {i.BytesPerVector:N0} | {i.EstimatedBytesPerVector:N0} | {i.BytesPerVector * 100_000 / 1048576:F1} |");
        }

        md.AppendLine();
        ReportFiles.Header(md, "| index | points | filter | p50 ms | p95 ms | cpu ms/query | recall@10 |", 3);
        foreach (var i in Indexes)
        {
            foreach (var q in i.Queries)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {i.Index} | {i.Points:N0} | {q.Filter} | {ReportFiles.Ms(q.P50)} | {ReportFiles.Ms(q.P95)} | {q.CpuMs:F3} | {q.Recall:F3} |");
            }
        }

        md.AppendLine();
        ReportFiles.Header(md, "| points | snapshot MB | write s | load s | graph rebuilt after load s |", 1);
        foreach (var p in Persistence)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Points:N0} | {p.SnapshotMegabytes:F1} | {p.WriteSeconds:F2} | {p.LoadSeconds:F2} | {p.GraphSeconds:F1} |");
        }

        foreach (var failure in Failures)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"FAILED: {failure}");
        }

        return md.ToString();
    }
}
