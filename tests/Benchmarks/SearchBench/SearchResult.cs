using System.Globalization;
using System.Text;
using System.Text.Json;
using Atom.Benchmarks.Shared;

namespace Atom.Benchmarks.SearchBench;

/// <summary>How well one mode answered one query set.</summary>
/// <param name="Set">The query set.</param>
/// <param name="Mode">keyword, semantic or hybrid.</param>
/// <param name="Queries">The queries.</param>
/// <param name="Mrr">MRR@10: the mean of 1/rank of the relevant page, 0 when it is not in the first 10.</param>
/// <param name="Recall">Recall@10: the share of queries whose relevant page is in the first 10.</param>
/// <param name="Answered">The share of queries with any hit at all.</param>
public sealed record QualityFigures(string Set, string Mode, int Queries, double Mrr, double Recall, double Answered);

/// <summary>One mode's search latency.</summary>
/// <param name="Mode">keyword, semantic or hybrid.</param>
/// <param name="Queries">The timed queries.</param>
/// <param name="P50">The median, ms.</param>
/// <param name="P95">The 95th percentile, ms.</param>
/// <param name="CpuMs">The process's CPU time per query: without the waits for a core that a busy machine adds to latencies.</param>
public sealed record ModeLatency(string Mode, int Queries, double P50, double P95, double CpuMs);

/// <summary>The figures at one size of the index.</summary>
/// <param name="ManPages">Man pages indexed.</param>
/// <param name="DocFiles">/usr/share/doc files indexed.</param>
/// <param name="Chunks">Chunks in the keyword index.</param>
/// <param name="Vectors">Points in the vector store.</param>
/// <param name="VectorIndex">How the vector store searched at this size (exact scan or HNSW graph).</param>
/// <param name="IndexSeconds">Wall time of indexing the chunks added since the last size.</param>
/// <param name="ChunksPerSecond">Those chunks per second: chunking, embedding, the store's transaction, the vectors' upsert.</param>
/// <param name="IndexCpuMsPerChunk">The process's CPU time per chunk while indexing.</param>
/// <param name="GraphWaitSeconds">How long the vector graph, built in the background, took to be ready after the last insert.</param>
/// <param name="HeapMiB">The managed heap's growth since the index was opened with its word vectors loaded, after a full collection: the vector store, and the run's own bookkeeping of the queries and descriptions (under a few MiB).</param>
/// <param name="RssMiB">The process's resident memory (the SQLite page cache included).</param>
/// <param name="DatabaseMiB">The SQLite file and its WAL.</param>
/// <param name="StoreBytesPerVector">The vector store's own estimate of its memory per point.</param>
/// <param name="HnswRecall">Recall@10 of the store's answer against an exact scan of every stored embedding; null without vectors.</param>
/// <param name="Quality">MRR and recall per set and mode.</param>
/// <param name="Latency">Latency per mode.</param>
public sealed record SizeFigures(
    int ManPages,
    int DocFiles,
    long Chunks,
    long Vectors,
    string VectorIndex,
    double IndexSeconds,
    double ChunksPerSecond,
    double IndexCpuMsPerChunk,
    double GraphWaitSeconds,
    double HeapMiB,
    double RssMiB,
    double DatabaseMiB,
    double StoreBytesPerVector,
    double? HnswRecall,
    List<QualityFigures> Quality,
    List<ModeLatency> Latency);

/// <summary>A whole run.</summary>
/// <param name="Corpus">What was indexed and how the queries were made.</param>
/// <param name="Engine">What answered the queries.</param>
/// <param name="Samples">A few queries of each set, to show what they look like.</param>
/// <param name="Sizes">The figures per size.</param>
/// <param name="Failures">Searches that failed or answered malformed, and indexing that lost chunks; never time or quality.</param>
/// <param name="Machine">The machine note.</param>
public sealed record SearchResult(string Corpus, string Engine, List<EvalQuery> Samples, List<SizeFigures> Sizes, List<string> Failures, string Machine)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static SearchResult FromJson(string json) => JsonSerializer.Deserialize<SearchResult>(json) ?? throw new FormatException("not a SearchBench result");

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Search: keyword, semantic and hybrid over man pages").AppendLine();
        md.AppendLine(Machine).AppendLine();
        md.AppendLine(Corpus).AppendLine();
        md.AppendLine(Engine).AppendLine();

        ReportFiles.Header(md, "| set | mode | chunks | queries | MRR@10 | recall@10 | answered |", 2);
        foreach (var size in Sizes)
        {
            foreach (var q in size.Quality)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {q.Set} | {q.Mode} | {size.Chunks:N0} | {q.Queries:N0} | {q.Mrr:F3} | {q.Recall:F3} | {q.Answered:P0} |");
            }
        }

        md.AppendLine();
        ReportFiles.Header(md, "| mode | chunks | vector index | queries | p50 ms | p95 ms | cpu ms/query |", 1);
        foreach (var size in Sizes)
        {
            foreach (var l in size.Latency)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {l.Mode} | {size.Chunks:N0} | {size.VectorIndex} | {l.Queries:N0} | {ReportFiles.Ms(l.P50)} | {ReportFiles.Ms(l.P95)} | {l.CpuMs:F2} |");
            }
        }

        md.AppendLine();
        ReportFiles.Header(md, "| chunks | man pages | doc files | vectors | chunks/s | cpu ms/chunk | graph ready after s | heap growth MiB | RSS MiB | db MiB | MiB per 100k vectors (heap) | (store estimate) | HNSW recall@10 |", 0);
        foreach (var s in Sizes)
        {
            var heapPer100k = s.Vectors == 0 ? "-" : (s.HeapMiB * 100_000 / s.Vectors).ToString("F1", CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Chunks:N0} | {s.ManPages:N0} | {s.DocFiles:N0} | {s.Vectors:N0} | {s.ChunksPerSecond:N0} | {s.IndexCpuMsPerChunk:F2} | {s.GraphWaitSeconds:F1} | {s.HeapMiB:F1} | {s.RssMiB:F0} | {s.DatabaseMiB:F0} | {heapPer100k} | {s.StoreBytesPerVector * 100_000 / 1048576:F1} | {(s.HnswRecall is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "-")} |");
        }

        if (Samples.Count > 0)
        {
            md.AppendLine().AppendLine("Sample queries:").AppendLine();
            foreach (var q in Samples)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {q.Set}: \"{q.Text}\" → {q.Page}");
            }
        }

        foreach (var failure in Failures)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"FAILED: {failure}");
        }

        return md.ToString();
    }
}
