using System.Diagnostics;
using System.Numerics.Tensors;
using Atom.Server.Search.Vectors;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// The graph's quality with the default settings: recall@10 against an exact scan on 20,000 clustered 100-d vectors, with
/// no filter, a filter that lets a tenth through and one that lets a hundredth through. A generous floor is asserted; the
/// figures are printed.
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
        var random = new Random(1234);
        var data = ClusteredVectors(random, Points, clusters: 200);
        // ExactScanMatches = 0: filtered searches walk the graph too (by default these filters would be scanned exactly at this size).
        var options = new VectorStoreOptions { Hnsw = new HnswOptions { Threshold = 5_000, BackgroundBuild = false, Seed = 99, ExactScanMatches = 0 } };
        using var store = new InProcessVectorStore(null, options);
        await store.EnsureCollectionAsync("recall", Dimensions, CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in Enumerable.Range(0, Points).Chunk(1000))
        {
            await store.UpsertAsync("recall", [.. batch.Select(i => new VectorPoint($"v{i}", data[i], Payload(i)))], CancellationToken.None);
        }

        var build = Stopwatch.GetElapsedTime(started);
        var queries = Enumerable.Range(0, Queries).Select(_ => Near(random, data[random.Next(Points)])).ToArray();

        var all = await RecallAsync(store, data, queries, scope: null);
        var tenth = await RecallAsync(store, data, queries, scope: "room:3");
        var hundredth = await RecallAsync(store, data, queries, scope: "user:42");
        var stats = store.GetStats("recall")!;

        output.WriteLine($"{Points} x {Dimensions}-d, M=16 efConstruction=200 efSearch=64, filters through the graph: built in {build.TotalSeconds:F1} s, {stats.BytesPerVector:F0} bytes/vector");
        output.WriteLine($"recall@{K}: no filter {all:F3}, 1/10 filter {tenth:F3}, 1/100 filter {hundredth:F3}");
        output.WriteLine($"searches: {stats.GraphSearches} graph, {stats.ExactSearches} exact, {stats.FallbackSearches} fell back");
        Assert.Equal(VectorIndexKind.Graph, stats.Index);
        Assert.True(stats.GraphSearches >= Queries, "the unfiltered searches went through the graph");
        Assert.True(all >= 0.95, $"recall@{K} {all:F3} without a filter");
        Assert.True(tenth >= 0.95, $"recall@{K} {tenth:F3} with a 1/10 filter");
        Assert.True(hundredth >= 0.95, $"recall@{K} {hundredth:F3} with a 1/100 filter");
    }

    private static VectorPayload Payload(int i) => new("t1", $"s{i}", i % 100 == 42 ? "user:42" : $"room:{i % 10}", "message", i, string.Empty);

    private static async Task<double> RecallAsync(InProcessVectorStore store, float[][] data, float[][] queries, string? scope)
    {
        var found = 0;
        foreach (var q in queries)
        {
            var query = new VectorQuery(q, K, "t1") { Scopes = scope is null ? null : [scope] };
            var hits = await store.SearchAsync("recall", query, CancellationToken.None);
            var exact = Exact(data, q, i => scope is null || Payload(i).Scope == scope);
            found += hits.Count(h => exact.Contains(h.Id));
        }

        return (double)found / (queries.Length * K);
    }

    private static HashSet<string> Exact(float[][] data, float[] q, Func<int, bool> accept)
    {
        var qn = Normalized(q);
        return [.. Enumerable.Range(0, data.Length).Where(accept)
            .Select(i => (i, sim: TensorPrimitives.Dot(Normalized(data[i]), qn)))
            .OrderByDescending(x => x.sim).Take(K).Select(x => $"v{x.i}")];
    }

    private static float[] Normalized(float[] v)
    {
        var n = new float[v.Length];
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), n);
        return n;
    }

    private static float[][] ClusteredVectors(Random random, int count, int clusters)
    {
        var centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, 1.0)).ToArray();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var centre = centres[random.Next(clusters)];
            var noise = Gaussian(random, 0.35);
            TensorPrimitives.Add(centre, noise, noise);
            return noise;
        })];
    }

    private static float[] Near(Random random, float[] point)
    {
        var q = Gaussian(random, 0.2);
        TensorPrimitives.Add(point, q, q);
        return q;
    }

    private static float[] Gaussian(Random random, double sigma)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            // Box-Muller.
            v[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return v;
    }
}
