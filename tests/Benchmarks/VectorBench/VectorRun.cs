using System.Diagnostics;
using Atom.Server.Search.Vectors;

namespace Atom.Benchmarks.VectorBench;

/// <summary>Measures one size: the exact index, the graph, their queries against each other, and a snapshot's write and load.</summary>
public static class VectorRun
{
    private const string Collection = "bench";
    private const int K = 10;

    private static readonly (string Name, string[]? Scopes)[] Filters =
        [("none", null), ("1/10 of points", [VectorData.TenthScope]), ("1/100 of points", [VectorData.HundredthScope])];

    public static async Task<(IndexFigures Exact, IndexFigures Graph, PersistenceFigures Persistence)> RunAsync(
        int size, int dimensions, int queries, HnswOptions hnsw, TimeSpan warmUp, string tempRoot, TextWriter log)
    {
        log.WriteLine($"== {size:N0} points: generating");
        var data = VectorData.Generate(size, dimensions, queries, seed: size);

        // The exact index: no graph at any size.
        List<HashSet<string>> truth;
        IndexFigures exact;
        using (var store = new InProcessVectorStore(null, new VectorStoreOptions { Hnsw = new HnswOptions { Threshold = int.MaxValue } }))
        {
            log.WriteLine($"== {size:N0} points: exact index");
            var (rate, bytes) = await FillAsync(store, data, dimensions);
            await WarmUpAsync(store, data, warmUp);
            truth = [];
            var figures = new List<QueryFigures>();
            foreach (var (name, scopes) in Filters)
            {
                var (p50, p95, cpu, hits) = await QueryAsync(store, data, scopes);
                truth.AddRange(hits);
                figures.Add(new QueryFigures(name, p50, p95, cpu, 1));
            }

            exact = new IndexFigures("exact", size, rate, bytes, store.GetStats(Collection)!.BytesPerVector, figures);
        }

        IndexFigures graph;
        var graphOptions = new VectorStoreOptions { Hnsw = Copy(hnsw, threshold: Math.Min(hnsw.Threshold, size), background: false) };
        using (var store = new InProcessVectorStore(null, graphOptions))
        {
            log.WriteLine($"== {size:N0} points: HNSW graph (M={hnsw.M}, efConstruction={hnsw.EfConstruction}, efSearch={hnsw.EfSearch})");
            var (rate, bytes) = await FillAsync(store, data, dimensions);
            await WarmUpAsync(store, data, warmUp);
            var figures = new List<QueryFigures>();
            var t = 0;
            foreach (var (name, scopes) in Filters)
            {
                var (p50, p95, cpu, hits) = await QueryAsync(store, data, scopes);
                var found = hits.Select((h, q) => h.Count(truth[t + q].Contains)).Sum();
                var expected = truth.Skip(t).Take(hits.Count).Sum(s => s.Count);
                t += hits.Count;
                figures.Add(new QueryFigures(name, p50, p95, cpu, expected == 0 ? 1 : (double)found / expected));
            }

            var stats = store.GetStats(Collection)!;
            log.WriteLine($"   searches: {stats.GraphSearches} through the graph, {stats.ExactSearches} exact scans chosen, {stats.FallbackSearches} fell back to a scan");
            graph = new IndexFigures("hnsw", size, rate, bytes, stats.BytesPerVector, figures);
        }

        log.WriteLine($"== {size:N0} points: snapshot and load");
        var persistence = await PersistAsync(data, dimensions, graphOptions.Hnsw, Path.Combine(tempRoot, $"n{size}"));
        return (exact, graph, persistence);
    }

    private static async Task<(double Rate, double BytesPerVector)> FillAsync(InProcessVectorStore store, VectorData data, int dimensions)
    {
        await store.EnsureCollectionAsync(Collection, dimensions, CancellationToken.None);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in Enumerable.Range(0, data.Points.Length).Chunk(1000))
        {
            await store.UpsertAsync(Collection, [.. batch.Select(data.Point)], CancellationToken.None);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (data.Points.Length / seconds, (double)(after - before) / data.Points.Length);
    }

    /// <summary>
    /// Searches of every kind, unmeasured, for a while: the JIT compiles the optimized code of the search paths in the
    /// background only after they have run a while, and that compiling would otherwise land in the first measured queries.
    /// </summary>
    private static async Task WarmUpAsync(InProcessVectorStore store, VectorData data, TimeSpan duration)
    {
        var started = Stopwatch.GetTimestamp();
        for (var q = 0; Stopwatch.GetElapsedTime(started) < duration; q++)
        {
            var query = new VectorQuery(data.Queries[q % data.Queries.Length], K, VectorData.Tenant) { Scopes = Filters[q % Filters.Length].Scopes };
            await store.SearchAsync(Collection, query, CancellationToken.None);
        }
    }

    /// <summary>Every query once: the latencies' p50 and p95 in ms, and each query's hit ids.</summary>
    private static async Task<(double P50, double P95, double CpuMs, List<HashSet<string>> Hits)> QueryAsync(InProcessVectorStore store, VectorData data, string[]? scopes)
    {
        VectorQuery Query(int q) => new(data.Queries[q], K, VectorData.Tenant) { Scopes = scopes };

        var latencies = new double[data.Queries.Length];
        var hits = new List<HashSet<string>>(data.Queries.Length);
        var cpu = Environment.CpuUsage.TotalTime;
        for (var q = 0; q < data.Queries.Length; q++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await store.SearchAsync(Collection, Query(q), CancellationToken.None);
            latencies[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            hits.Add([.. found.Select(h => h.Id)]);
        }

        // CPU time per query: on a machine shared with other work, wall-clock latencies include waiting for a core.
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / data.Queries.Length;
        Array.Sort(latencies);
        return (Percentile(latencies, 50), Percentile(latencies, 95), cpuMs, hits);
    }

    /// <summary>A persisted store filled without a graph, snapshotted, closed, and opened again with the graph settings.</summary>
    private static async Task<PersistenceFigures> PersistAsync(VectorData data, int dimensions, HnswOptions hnsw, string directory)
    {
        try
        {
            // SyncWrites off: the fill is not what is measured here.
            var fillOptions = new VectorStoreOptions { SyncWrites = false, Hnsw = new HnswOptions { Threshold = int.MaxValue } };
            double write;
            List<string> before;
            using (var store = new InProcessVectorStore(directory, fillOptions))
            {
                await FillAsync(store, data, dimensions);
                var started = Stopwatch.GetTimestamp();
                await store.SnapshotAsync(CancellationToken.None);
                write = Stopwatch.GetElapsedTime(started).TotalSeconds;
                before = await FingerprintAsync(store, data);
            }

            var size = new FileInfo(Path.Combine(directory, Collection, "snapshot")).Length / 1e6;
            var loading = Stopwatch.GetTimestamp();
            using var reopened = new InProcessVectorStore(directory, new VectorStoreOptions { Hnsw = Copy(hnsw, hnsw.Threshold, background: true) });
            var load = Stopwatch.GetElapsedTime(loading).TotalSeconds;
            var graphStarted = Stopwatch.GetTimestamp();
            await reopened.WaitForIndexAsync(Collection, CancellationToken.None);
            var graph = Stopwatch.GetElapsedTime(graphStarted).TotalSeconds;
            var same = before.SequenceEqual(await FingerprintAsync(reopened, data));
            return new PersistenceFigures(data.Points.Length, size, write, load, graph, same);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The count and the hits of a few queries with the 1/100 filter, which is scanned exactly at any size here, so a
    /// store loaded from a snapshot must give the same.
    /// </summary>
    private static async Task<List<string>> FingerprintAsync(InProcessVectorStore store, VectorData data)
    {
        var lines = new List<string> { (await store.CountAsync(Collection, CancellationToken.None)).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var q in data.Queries.Take(10))
        {
            var hits = await store.SearchAsync(Collection, new VectorQuery(q, K, VectorData.Tenant) { Scopes = [VectorData.HundredthScope] }, CancellationToken.None);
            lines.AddRange(hits.Select(h => $"{h.Id} {h.Score:R} {h.Payload}"));
        }

        return lines;
    }

    private static HnswOptions Copy(HnswOptions hnsw, int threshold, bool background) => new()
    {
        Threshold = threshold, M = hnsw.M, EfConstruction = hnsw.EfConstruction, EfSearch = hnsw.EfSearch,
        ExactScanMatches = hnsw.ExactScanMatches, BackgroundBuild = background, Seed = 1,
    };

    private static double Percentile(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)];
}
