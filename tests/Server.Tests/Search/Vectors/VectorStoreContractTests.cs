using Atom.Server.Search.Vectors;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// What every <see cref="IVectorStore"/> does, whatever it is built on: each derived class runs the whole suite against one
/// store. Each test gets a fresh collection of its own (named uniquely, so a shared server can run them side by side).
/// </summary>
public abstract class VectorStoreContractTests : IAsyncLifetime
{
    protected const int Dimensions = 8;

    private IVectorStore? _store;

    protected IVectorStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected string Collection { get; } = "contract-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Gets whether the store finds the exact nearest neighbours (an approximate index may miss a few).</summary>
    protected virtual bool IsExact => true;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await Store.EnsureCollectionAsync(Collection, Dimensions, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DeleteCollectionAsync(Collection, CancellationToken.None);
            (_store as IDisposable)?.Dispose();
        }
    }

    [ContractFact]
    public async Task Search_returns_the_nearest_first_with_the_cosine_as_score()
    {
        await UpsertAsync(
            Point("east", Vec(1, 0)),
            Point("north-east", Vec(1, 1)),
            Point("north", Vec(0, 1)),
            Point("west", Vec(-1, 0.1f)));

        var hits = await SearchAsync(Query(Vec(1, 0.2f), limit: 4));

        Assert.Equal(["east", "north-east", "north", "west"], hits.Select(h => h.Id));
        foreach (var hit in hits)
        {
            var expected = Cosine(Vec(1, 0.2f), hit.Id switch { "east" => Vec(1, 0), "north-east" => Vec(1, 1), "north" => Vec(0, 1), _ => Vec(-1, 0.1f) });
            Assert.Equal(expected, hit.Score, 4);
        }
    }

    [ContractFact]
    public async Task The_length_of_a_vector_does_not_change_its_score()
    {
        await UpsertAsync(Point("short", Vec(0.001f, 0.002f, 0.003f)), Point("long", Vec(1000, 0, 0, 5)));

        var hits = await SearchAsync(Query(Vec(1000, 2000, 3000), limit: 2));

        Assert.Equal("short", hits[0].Id);
        Assert.Equal(1f, hits[0].Score, 4);
    }

    [ContractFact]
    public async Task Upserting_a_known_id_replaces_its_vector_and_payload()
    {
        await UpsertAsync(Point("a", Vec(1, 0), scope: "room:1"), Point("b", Vec(0, 1)));
        await UpsertAsync(Point("a", Vec(0, 1, 0.1f), scope: "room:2", category: "pdf"));

        var hits = await SearchAsync(Query(Vec(0, 1), limit: 10));

        Assert.Equal(2, await Store.CountAsync(Collection, CancellationToken.None));
        var a = Assert.Single(hits, h => h.Id == "a");
        Assert.Equal("room:2", a.Payload.Scope);
        Assert.Equal("pdf", a.Payload.Category);
        Assert.True(a.Score > 0.99f);
    }

    [ContractFact]
    public async Task Hits_carry_the_payload_as_stored()
    {
        var payload = new VectorPayload("t1", "msg-42", "user:7", "file", 1_700_000_000_123, "spreadsheet");
        await Store.UpsertAsync(Collection, [new VectorPoint("msg-42#3", Vec(1, 2, 3), payload)], CancellationToken.None);

        var hit = Assert.Single(await SearchAsync(Query(Vec(1, 2, 3))));

        Assert.Equal("msg-42#3", hit.Id);
        Assert.Equal(payload, hit.Payload);
    }

    [ContractFact]
    public async Task Delete_removes_points_by_id_and_ignores_ids_that_are_not_there()
    {
        await UpsertAsync(Point("a", Vec(1)), Point("b", Vec(1, 1)), Point("c", Vec(0, 1)));

        await Store.DeleteAsync(Collection, ["a", "c", "never-was"], CancellationToken.None);
        await Store.DeleteAsync(Collection, ["a"], CancellationToken.None);
        await Store.DeleteAsync(Collection, [], CancellationToken.None);

        Assert.Equal(["b"], (await SearchAsync(Query(Vec(1), limit: 10))).Select(h => h.Id));
        Assert.Equal(1, await Store.CountAsync(Collection, CancellationToken.None));
    }

    [ContractFact]
    public async Task DeleteBySource_removes_every_chunk_of_that_source_of_that_tenant_only()
    {
        await UpsertAsync(
            Point("m1#0", Vec(1), source: "m1"),
            Point("m1#1", Vec(1, 1), source: "m1"),
            Point("m2#0", Vec(1, 0, 1), source: "m2"),
            Point("t2-m1#0", Vec(1), tenant: "t2", source: "m1"));

        await Store.DeleteBySourceAsync(Collection, "t1", "m1", CancellationToken.None);
        await Store.DeleteBySourceAsync(Collection, "t1", "no-such-source", CancellationToken.None);

        Assert.Equal(["m2#0"], (await SearchAsync(Query(Vec(1), limit: 10))).Select(h => h.Id));
        Assert.Equal(["t2-m1#0"], (await SearchAsync(Query(Vec(1), limit: 10, tenant: "t2"))).Select(h => h.Id));
    }

    [ContractFact]
    public async Task A_tenant_never_sees_another_tenants_points_however_near()
    {
        await UpsertAsync(
            Point("mine", Vec(0, 1)),
            Point("theirs-exact", Vec(1), tenant: "t2"),
            Point("theirs-close", Vec(1, 0.01f), tenant: "t2"),
            Point("prefix", Vec(1), tenant: "t1x"));

        var hits = await SearchAsync(Query(Vec(1), limit: 100));

        Assert.Equal(["mine"], hits.Select(h => h.Id));
        Assert.Empty(await SearchAsync(Query(Vec(1), tenant: "t3")));
        Assert.Empty(await SearchAsync(Query(Vec(1), tenant: "T1")));
    }

    [ContractFact]
    public async Task Scopes_match_exactly()
    {
        await UpsertAsync(
            Point("room1", Vec(1), scope: "room:1"),
            Point("room10", Vec(1, 0.1f), scope: "room:10"),
            Point("ROOM1", Vec(1, 0.2f), scope: "ROOM:1"),
            Point("room1-space", Vec(1, 0.3f), scope: "room:1 "),
            Point("user7", Vec(1, 0.4f), scope: "user:7"));

        Assert.Equal(["room1"], (await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = ["room:1"] })).Select(h => h.Id));
        Assert.Equal(["room1", "user7"], (await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = ["user:7", "room:1", "room:2"] })).Select(h => h.Id));
        Assert.Equal(5, (await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = null })).Count);
    }

    [ContractFact]
    public async Task An_empty_filter_set_matches_nothing_where_null_matches_anything()
    {
        await UpsertAsync(Point("a", Vec(1)), Point("b", Vec(1, 1), kind: "file", category: "pdf"));

        Assert.Empty(await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = [] }));
        Assert.Empty(await SearchAsync(Query(Vec(1), limit: 10) with { Kinds = [] }));
        Assert.Empty(await SearchAsync(Query(Vec(1), limit: 10) with { Categories = [] }));
        Assert.Equal(2, (await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = null, Kinds = null, Categories = null })).Count);
    }

    [ContractFact]
    public async Task Kinds_and_categories_filter()
    {
        await UpsertAsync(
            Point("msg", Vec(1), kind: "message"),
            Point("pdf", Vec(1, 0.1f), kind: "file", category: "pdf"),
            Point("image", Vec(1, 0.2f), kind: "file", category: "image"),
            Point("sheet", Vec(1, 0.3f), kind: "file", category: "spreadsheet"));

        Assert.Equal(["msg"], (await SearchAsync(Query(Vec(1), limit: 10) with { Kinds = ["message"] })).Select(h => h.Id));
        Assert.Equal(["pdf", "image", "sheet"], (await SearchAsync(Query(Vec(1), limit: 10) with { Kinds = ["file"] })).Select(h => h.Id));
        Assert.Equal(["pdf", "sheet"], (await SearchAsync(Query(Vec(1), limit: 10) with { Categories = ["sheet", "spreadsheet", "pdf"] })).Select(h => h.Id));
        Assert.Equal(["msg"], (await SearchAsync(Query(Vec(1), limit: 10) with { Categories = [""] })).Select(h => h.Id));
    }

    [ContractFact]
    public async Task The_date_range_includes_its_start_and_excludes_its_end()
    {
        await UpsertAsync(
            Point("999", Vec(1), created: 999),
            Point("1000", Vec(1, 0.1f), created: 1000),
            Point("1999", Vec(1, 0.2f), created: 1999),
            Point("2000", Vec(1, 0.3f), created: 2000),
            Point("negative", Vec(1, 0.4f), created: -5));

        Assert.Equal(["1000", "1999"], (await SearchAsync(Query(Vec(1), limit: 10) with { CreatedFrom = 1000, CreatedTo = 2000 })).Select(h => h.Id));
        Assert.Equal(["999", "1000", "1999", "2000"], (await SearchAsync(Query(Vec(1), limit: 10) with { CreatedFrom = 0 })).Select(h => h.Id));
        Assert.Equal(["999", "negative"], (await SearchAsync(Query(Vec(1), limit: 10) with { CreatedTo = 1000 })).Select(h => h.Id));
        Assert.Empty(await SearchAsync(Query(Vec(1), limit: 10) with { CreatedFrom = 1500, CreatedTo = 1500 }));
        Assert.Empty(await SearchAsync(Query(Vec(1), limit: 10) with { CreatedTo = long.MinValue }));
    }

    [ContractFact]
    public async Task Filters_combine()
    {
        await UpsertAsync(
            Point("hit", Vec(1), scope: "room:1", kind: "file", category: "pdf", created: 50),
            Point("wrong-scope", Vec(1), scope: "room:2", kind: "file", category: "pdf", created: 50),
            Point("wrong-kind", Vec(1), scope: "room:1", kind: "message", category: "pdf", created: 50),
            Point("wrong-category", Vec(1), scope: "room:1", kind: "file", category: "image", created: 50),
            Point("too-old", Vec(1), scope: "room:1", kind: "file", category: "pdf", created: 5),
            Point("wrong-tenant", Vec(1), tenant: "t2", scope: "room:1", kind: "file", category: "pdf", created: 50));

        var hits = await SearchAsync(Query(Vec(1), limit: 10) with { Scopes = ["room:1"], Kinds = ["file"], Categories = ["pdf"], CreatedFrom = 10, CreatedTo = 100 });

        Assert.Equal(["hit"], hits.Select(h => h.Id));
    }

    [ContractFact]
    public async Task The_limit_caps_the_hits_and_the_best_are_kept()
    {
        await UpsertAsync([.. Enumerable.Range(0, 20).Select(i => Point($"p{i:D2}", Vec(1, i * 0.1f)))]);

        var three = await SearchAsync(Query(Vec(1), limit: 3));
        var all = await SearchAsync(Query(Vec(1), limit: 100));

        Assert.Equal(["p00", "p01", "p02"], three.Select(h => h.Id));
        Assert.Equal(20, all.Count);
        Assert.Equal(all.OrderByDescending(h => h.Score).Select(h => h.Id), all.Select(h => h.Id));
    }

    [ContractFact]
    public async Task Searching_a_larger_collection_finds_the_exact_nearest_or_nearly()
    {
        var random = new Random(11);
        var points = Enumerable.Range(0, 300).Select(i => Point($"r{i}", RandomVector(random), scope: $"room:{i % 3}")).ToArray();
        await UpsertAsync(points);

        var misses = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(random);
            var hits = await SearchAsync(Query(query, limit: 10) with { Scopes = ["room:1"] });
            var expected = points.Where(p => p.Payload.Scope == "room:1").OrderByDescending(p => Cosine(query, p.Vector.ToArray())).Take(10).Select(p => p.Id).ToList();
            Assert.All(hits, h => Assert.Equal("room:1", h.Payload.Scope));
            Assert.Equal(hits.OrderByDescending(h => h.Score).Select(h => h.Id), hits.Select(h => h.Id));
            misses += expected.Except(hits.Select(h => h.Id)).Count();
        }

        // An approximate index may miss a few of the 200 expected; an exact one none.
        Assert.True(IsExact ? misses == 0 : misses <= 20, $"{misses} of 200 nearest points missed");
    }

    [ContractFact]
    public async Task A_selective_filter_still_finds_every_point_it_lets_through()
    {
        var random = new Random(5);
        await UpsertAsync([.. Enumerable.Range(0, 200).Select(i => Point($"x{i}", RandomVector(random), scope: i % 50 == 7 ? "room:rare" : "room:common"))]);

        var hits = await SearchAsync(Query(RandomVector(random), limit: 10) with { Scopes = ["room:rare"] });

        Assert.Equal(["x107", "x157", "x57", "x7"], hits.Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [ContractFact]
    public async Task An_empty_or_missing_collection_has_no_hits_and_no_points()
    {
        Assert.Empty(await SearchAsync(Query(Vec(1))));
        Assert.Equal(0, await Store.CountAsync(Collection, CancellationToken.None));
        Assert.Empty(await Store.SearchAsync("missing-" + Guid.NewGuid().ToString("N")[..8], Query(Vec(1)), CancellationToken.None));
        Assert.Equal(0, await Store.CountAsync("missing-" + Guid.NewGuid().ToString("N")[..8], CancellationToken.None));
        await Store.DeleteAsync("missing-x", ["a"], CancellationToken.None);
        await Store.DeleteBySourceAsync("missing-x", "t1", "s", CancellationToken.None);
    }

    [ContractFact]
    public async Task Ensuring_a_collection_again_is_harmless_but_other_dimensions_are_an_error()
    {
        await UpsertAsync(Point("a", Vec(1)));

        await Store.EnsureCollectionAsync(Collection, Dimensions, CancellationToken.None);
        var error = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => Store.EnsureCollectionAsync(Collection, Dimensions + 1, CancellationToken.None));

        Assert.Equal(Dimensions, error.Existing);
        Assert.Equal(Dimensions + 1, error.Requested);
        Assert.Equal(1, await Store.CountAsync(Collection, CancellationToken.None));
    }

    [ContractFact]
    public async Task Vectors_of_the_wrong_length_or_without_a_direction_are_refused()
    {
        var payload = Point("x", Vec(1)).Payload;

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(Collection, [new VectorPoint("x", new float[Dimensions + 1], payload)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(Collection, [new VectorPoint("x", new float[Dimensions], payload)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(Collection, [new VectorPoint("x", Vec(1, float.NaN), payload)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SearchAsync(Collection, Query(new float[Dimensions - 1]), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SearchAsync(Collection, Query(Vec(1), limit: 0), CancellationToken.None));
        Assert.Equal(0, await Store.CountAsync(Collection, CancellationToken.None));
    }

    [ContractFact]
    public async Task Writing_to_a_collection_that_does_not_exist_is_an_error()
    {
        await Assert.ThrowsAsync<VectorCollectionNotFoundException>(
            () => Store.UpsertAsync("missing-" + Guid.NewGuid().ToString("N")[..8], [Point("a", Vec(1))], CancellationToken.None));
    }

    [ContractFact]
    public async Task A_deleted_collection_is_gone_and_can_come_back_with_other_dimensions()
    {
        await UpsertAsync(Point("a", Vec(1)));

        await Store.DeleteCollectionAsync(Collection, CancellationToken.None);
        Assert.Equal(0, await Store.CountAsync(Collection, CancellationToken.None));
        await Store.EnsureCollectionAsync(Collection, 3, CancellationToken.None);
        await Store.UpsertAsync(Collection, [new VectorPoint("b", new float[] { 0, 0, 1 }, Point("b", Vec(1)).Payload)], CancellationToken.None);

        var hit = Assert.Single(await Store.SearchAsync(Collection, new VectorQuery(new float[] { 0, 0, 1 }, 5, "t1"), CancellationToken.None));
        Assert.Equal("b", hit.Id);
    }

    [ContractFact]
    public async Task Searches_running_during_writes_see_only_what_their_filter_allows()
    {
        var random = new Random(3);
        await UpsertAsync([.. Enumerable.Range(0, 50).Select(i => Point($"seed{i}", RandomVector(random), tenant: i % 2 == 0 ? "t1" : "t2", scope: $"room:{i % 4}"))]);
        using var writing = new CancellationTokenSource();
        var searched = 0;

        var writer = Task.Run(async () =>
        {
            var r = new Random(4);
            for (var batch = 0; batch < 20; batch++)
            {
                var points = Enumerable.Range(0, 10).Select(i => Point($"w{batch}-{i}", RandomVector(r), tenant: i % 2 == 0 ? "t1" : "t2", scope: $"room:{i % 4}")).ToArray();
                await Store.UpsertAsync(Collection, points, CancellationToken.None);
                await Store.DeleteAsync(Collection, [$"w{batch}-0"], CancellationToken.None);
            }

            await writing.CancelAsync();
        });
        var searchers = Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
        {
            var r = new Random(100 + s);
            do
            {
                var hits = await Store.SearchAsync(Collection, Query(RandomVector(r), limit: 8) with { Scopes = ["room:0", "room:2"] }, CancellationToken.None);
                Assert.All(hits, h => Assert.True(h.Payload.TenantId == "t1" && h.Payload.Scope is "room:0" or "room:2", $"{h.Id} leaked"));
                Assert.Equal(hits.OrderByDescending(h => h.Score).Select(h => h.Id), hits.Select(h => h.Id));
                Interlocked.Increment(ref searched);
            }
            while (!writing.IsCancellationRequested);
        })).ToArray();

        await Task.WhenAll([writer, .. searchers]);

        Assert.True(searched >= 4);
        Assert.Equal(50 + (20 * 9), await Store.CountAsync(Collection, CancellationToken.None));
        var everyT1 = await SearchAsync(Query(Vec(1), limit: 1000) with { Scopes = ["room:0", "room:2"] });
        Assert.Equal(25 + (20 * 4), everyT1.Count);
    }

    protected static float[] Vec(params float[] head)
    {
        var v = new float[Dimensions];
        head.CopyTo(v, 0);
        return v;
    }

    protected static float[] RandomVector(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return v;
    }

    protected static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return (float)(dot / Math.Sqrt(na * nb));
    }

    protected static VectorPoint Point(
        string id, float[] vector, string tenant = "t1", string? source = null, string scope = "room:1", string kind = "message", long created = 1000, string category = "") =>
        new(id, vector, new VectorPayload(tenant, source ?? id, scope, kind, created, category));

    protected static VectorQuery Query(float[] vector, int limit = 5, string tenant = "t1") => new(vector, limit, tenant);

    protected Task UpsertAsync(params VectorPoint[] points) => Store.UpsertAsync(Collection, points, CancellationToken.None);

    protected Task<IReadOnlyList<VectorHit>> SearchAsync(VectorQuery query) => Store.SearchAsync(Collection, query, CancellationToken.None);

    /// <summary>Makes the store under test (a fresh one per test).</summary>
    protected abstract Task<IVectorStore> CreateStoreAsync();
}
