using System.Diagnostics;
using System.Numerics.Tensors;
using Atom.Benchmarks.VectorBench;
using Atom.Server.Search.Vectors;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// The graph's quality with the default settings: recall@10 against an exact scan on 20,000 clustered 100-d vectors (the
/// benchmark's data), with no filter, a filter that lets a tenth through and one that lets a hundredth through. The
/// filtered searches start in the graph too, and fall back to a scan where the walk costs more than the scan would, so
/// they check that the fallback keeps the answer whole. A generous floor is asserted; the figures are printed.
/// </summary>
public sealed class HnswRecallTests(ITestOutputHelper output)
{
    private const int Dimensions = 100;
    private const int Points = 20_000;
    private const int Queries = 100;
    private const int K = 10;

    [Fact]
    public async Task Recall_at_10_against_an_exact_scan_is_at_least_095()
    {
        var data = VectorData.Generate(Points, Dimensions, Queries, seed: 1234);

        // ExactScanMatches = 0: filtered searches walk the graph too (by default these filters would be scanned exactly at this size).
        var hnsw = new HnswOptions { Threshold = 5_000, BackgroundBuild = false, Seed = 99, ExactScanMatches = 0 };
        using var store = new InProcessVectorStore(null, new VectorStoreOptions { Hnsw = hnsw });
        await store.EnsureCollectionAsync("recall", Dimensions, CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in Enumerable.Range(0, Points).Chunk(1000))
        {
            await store.UpsertAsync("recall", [.. batch.Select(data.Point)], CancellationToken.None);
        }

        var build = Stopwatch.GetElapsedTime(started);
        var all = await RecallAsync(store, data, scope: null);
        var tenth = await RecallAsync(store, data, VectorData.TenthScope);
        var hundredth = await RecallAsync(store, data, VectorData.HundredthScope);
        var stats = store.GetStats("recall")!;

        output.WriteLine($"{Points} x {Dimensions}-d, M={hnsw.M} efConstruction={hnsw.EfConstruction} efSearch={hnsw.EfSearch}: built in {build.TotalSeconds:F1} s, {stats.BytesPerVector:F0} bytes/vector");
        output.WriteLine($"recall@{K}: no filter {all:F3}, 1/10 filter {tenth:F3}, 1/100 filter {hundredth:F3}");
        output.WriteLine($"searches: {stats.GraphSearches} through the graph, {stats.ExactSearches} exact, {stats.FallbackSearches} fell back to a scan");
        Assert.Equal(VectorIndexKind.Graph, stats.Index);
        Assert.True(stats.GraphSearches >= Queries, "the unfiltered searches went through the graph");
        Assert.True(all >= 0.95, $"recall@{K} {all:F3} without a filter");
        Assert.True(tenth >= 0.95, $"recall@{K} {tenth:F3} with a 1/10 filter");
        Assert.True(hundredth >= 0.95, $"recall@{K} {hundredth:F3} with a 1/100 filter");
    }

    private static async Task<double> RecallAsync(InProcessVectorStore store, VectorData data, string? scope)
    {
        var found = 0;
        var expected = 0;
        foreach (var q in data.Queries)
        {
            var hits = await store.SearchAsync("recall", new VectorQuery(q, K, VectorData.Tenant) { Scopes = scope is null ? null : [scope] }, CancellationToken.None);
            var exact = Exact(data, q, scope);
            found += hits.Count(h => exact.Contains(h.Id));
            expected += exact.Count;
        }

        return (double)found / expected;
    }

    private static HashSet<string> Exact(VectorData data, float[] q, string? scope)
    {
        var qn = Normalized(q);
        return [.. Enumerable.Range(0, data.Points.Length)
            .Where(i => scope is null || VectorData.Payload(i).Scope == scope)
            .Select(i => (i, sim: TensorPrimitives.Dot(Normalized(data.Points[i]), qn)))
            .OrderByDescending(x => x.sim).Take(K).Select(x => VectorData.Id(x.i))];
    }

    private static float[] Normalized(float[] v)
    {
        var n = new float[v.Length];
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), n);
        return n;
    }
}
