using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Atom.Server.Search.Vectors;
using Atom.Server.Search.Vectors.Internal;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// The Qdrant adapter's side of the wire, against <see cref="FakeQdrantServer"/> (a fake: nothing real can run here): the
/// requests it makes, how it reads answers, and which failures mean "unavailable".
/// </summary>
public sealed class QdrantVectorStoreTests : IAsyncLifetime
{
    private const string Existing = """{"result":{"status":"green","points_count":3,"config":{"params":{"vectors":{"size":4,"distance":"Cosine"}}}},"status":"ok","time":0.0}""";
    private const string NotFound = """{"status":{"error":"Not found: Collection `x` doesn't exist!"},"time":0.0}""";
    private FakeQdrantServer _fake = null!;
    private QdrantVectorStore _store = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeQdrantServer.StartAsync();
        _store = new QdrantVectorStore(new QdrantOptions { Url = _fake.Url, ApiKey = "secret-key", CollectionPrefix = "atom_", Timeout = TimeSpan.FromSeconds(2) });
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_missing_collection_is_created_for_cosine_with_indexes_on_the_filtered_fields()
    {
        _fake.Answer = r => r.Method == "GET" ? (404, NotFound) : (200, """{"result":true,"status":"ok"}""");

        await _store.EnsureCollectionAsync("chunks", 4, CancellationToken.None);

        Assert.Equal("GET /collections/atom_chunks", Line(_fake.Requests[0]));
        Assert.Equal("PUT /collections/atom_chunks", Line(_fake.Requests[1]));
        var create = Json(_fake.Requests[1]);
        Assert.Equal(4, create.GetProperty("vectors").GetProperty("size").GetInt32());
        Assert.Equal("Cosine", create.GetProperty("vectors").GetProperty("distance").GetString());
        var indexes = _fake.Requests.Skip(2).ToList();
        Assert.All(indexes, r => Assert.Equal("PUT /collections/atom_chunks/index?wait=true", Line(r)));
        Assert.Equal(
            ["tenant_id:keyword", "source_id:keyword", "scope:keyword", "kind:keyword", "category:keyword", "created_at:integer"],
            indexes.Select(r => $"{Json(r).GetProperty("field_name").GetString()}:{Json(r).GetProperty("field_schema").GetString()}"));
        Assert.All(_fake.Requests, r => Assert.Equal("secret-key", r.ApiKey));
    }

    [Fact]
    public async Task An_existing_collection_of_other_dimensions_is_a_mismatch()
    {
        _fake.Answer = _ => (200, Existing);

        await _store.EnsureCollectionAsync("chunks", 4, CancellationToken.None);
        var error = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => _store.EnsureCollectionAsync("chunks", 100, CancellationToken.None));

        Assert.Equal(4, error.Existing);
        Assert.All(_fake.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task Upserts_send_uuid_ids_the_vector_and_the_payload_with_the_original_id()
    {
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (200, """{"result":{"operation_id":7,"status":"completed"},"status":"ok"}""");

        await _store.UpsertAsync("chunks", [new VectorPoint("msg-1#0", new float[] { 1, 0.5f, 0, -2 }, new VectorPayload("t1", "msg-1", "room:9", "file", 1234, "pdf"))], CancellationToken.None);

        var upsert = _fake.Requests[^1];
        Assert.Equal("PUT /collections/atom_chunks/points?wait=true", Line(upsert));
        var point = Json(upsert).GetProperty("points")[0];
        Assert.Equal(QdrantPointId.For("msg-1#0"), point.GetProperty("id").GetString());
        Assert.Equal([1, 0.5f, 0, -2], point.GetProperty("vector").EnumerateArray().Select(x => x.GetSingle()));
        var payload = point.GetProperty("payload");
        Assert.Equal("msg-1#0", payload.GetProperty("point_id").GetString());
        Assert.Equal("t1", payload.GetProperty("tenant_id").GetString());
        Assert.Equal("msg-1", payload.GetProperty("source_id").GetString());
        Assert.Equal("room:9", payload.GetProperty("scope").GetString());
        Assert.Equal("file", payload.GetProperty("kind").GetString());
        Assert.Equal(1234, payload.GetProperty("created_at").GetInt64());
        Assert.Equal("pdf", payload.GetProperty("category").GetString());
    }

    [Fact]
    public async Task Upserts_are_sent_in_batches()
    {
        using var store = new QdrantVectorStore(new QdrantOptions { Url = _fake.Url, UpsertBatch = 2 });
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (200, """{"result":{"status":"completed"},"status":"ok"}""");
        var payload = new VectorPayload("t1", "s", "room:1", "message", 0, string.Empty);

        await store.UpsertAsync("chunks", [.. Enumerable.Range(0, 5).Select(i => new VectorPoint($"p{i}", new float[] { 1, i, 0, 0 }, payload))], CancellationToken.None);

        Assert.Equal([2, 2, 1], _fake.Requests.Where(r => r.Method == "PUT").Select(r => Json(r).GetProperty("points").GetArrayLength()));
    }

    [Fact]
    public async Task Searches_send_the_tenant_and_every_filter_as_must_conditions()
    {
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (200, """{"result":[],"status":"ok"}""");
        var query = new VectorQuery(new float[] { 0, 1, 0, 0 }, 7, "t1")
        {
            Scopes = ["room:1", "user:2"], Kinds = ["file"], Categories = ["pdf", ""], CreatedFrom = 100, CreatedTo = 200,
        };

        await _store.SearchAsync("chunks", query, CancellationToken.None);

        var search = _fake.Requests[^1];
        Assert.Equal("POST /collections/atom_chunks/points/search", Line(search));
        var body = Json(search);
        Assert.Equal(7, body.GetProperty("limit").GetInt32());
        Assert.True(body.GetProperty("with_payload").GetBoolean());
        Assert.Equal([0, 1, 0, 0], body.GetProperty("vector").EnumerateArray().Select(x => x.GetSingle()));
        var must = body.GetProperty("filter").GetProperty("must").EnumerateArray().ToList();
        Assert.Equal(
            ["tenant_id value t1", "scope any room:1,user:2", "kind any file", "category any pdf,", "created_at range gte=100 lt=200"],
            must.Select(Condition));
    }

    [Fact]
    public async Task A_search_without_filters_still_names_the_tenant()
    {
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (200, """{"result":[],"status":"ok"}""");

        await _store.SearchAsync("chunks", new VectorQuery(new float[] { 0, 1, 0, 0 }, 3, "t9"), CancellationToken.None);

        Assert.Equal(["tenant_id value t9"], Json(_fake.Requests[^1]).GetProperty("filter").GetProperty("must").EnumerateArray().Select(Condition));
    }

    [Fact]
    public async Task Hits_are_read_back_with_their_original_ids_and_any_the_filter_excludes_is_dropped()
    {
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (200, """
            {"result":[
              {"id":"x","version":1,"score":0.5,"payload":{"point_id":"b","tenant_id":"t1","source_id":"s2","scope":"room:1","kind":"message","created_at":5,"category":""}},
              {"id":"y","version":1,"score":0.99,"payload":{"point_id":"leak","tenant_id":"t2","source_id":"s9","scope":"room:1","kind":"message","created_at":5,"category":""}},
              {"id":"z","version":1,"score":0.9,"payload":{"point_id":"a","tenant_id":"t1","source_id":"s1","scope":"room:1","kind":"file","created_at":7,"category":"pdf"}},
              {"id":"w","version":1,"score":0.8,"payload":{"point_id":"other-scope","tenant_id":"t1","source_id":"s3","scope":"room:2","kind":"message","created_at":5,"category":""}},
              {"id":"v","version":1,"score":0.7,"payload":{"foreign":"not written by Atom"}}
            ],"status":"ok","time":0.001}
            """);

        var hits = await _store.SearchAsync("chunks", new VectorQuery(new float[] { 1, 0, 0, 0 }, 10, "t1") { Scopes = ["room:1"] }, CancellationToken.None);

        Assert.Equal(["a", "b"], hits.Select(h => h.Id));
        Assert.Equal(0.9f, hits[0].Score);
        Assert.Equal(new VectorPayload("t1", "s1", "room:1", "file", 7, "pdf"), hits[0].Payload);
    }

    [Fact]
    public async Task A_query_that_can_match_nothing_is_not_sent()
    {
        _fake.Answer = _ => (200, Existing);

        var hits = await _store.SearchAsync("chunks", new VectorQuery(new float[] { 1, 0, 0, 0 }, 10, "t1") { Scopes = [] }, CancellationToken.None);

        Assert.Empty(hits);
        Assert.DoesNotContain(_fake.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Deletes_send_uuids_or_a_tenant_and_source_filter()
    {
        await _store.DeleteAsync("chunks", ["a", "b"], CancellationToken.None);
        await _store.DeleteBySourceAsync("chunks", "t1", "msg-1", CancellationToken.None);

        Assert.Equal("POST /collections/atom_chunks/points/delete?wait=true", Line(_fake.Requests[0]));
        Assert.Equal([QdrantPointId.For("a"), QdrantPointId.For("b")], Json(_fake.Requests[0]).GetProperty("points").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("POST /collections/atom_chunks/points/delete?wait=true", Line(_fake.Requests[1]));
        Assert.Equal(
            ["tenant_id value t1", "source_id value msg-1"],
            Json(_fake.Requests[1]).GetProperty("filter").GetProperty("must").EnumerateArray().Select(Condition));
    }

    [Fact]
    public async Task A_collection_that_does_not_exist_counts_and_finds_nothing_and_refuses_writes()
    {
        _fake.Answer = _ => (404, NotFound);

        Assert.Equal(0, await _store.CountAsync("chunks", CancellationToken.None));
        Assert.Empty(await _store.SearchAsync("chunks", new VectorQuery(new float[] { 1, 0, 0, 0 }, 10, "t1"), CancellationToken.None));
        await _store.DeleteAsync("chunks", ["a"], CancellationToken.None);
        await _store.DeleteCollectionAsync("chunks", CancellationToken.None);
        await Assert.ThrowsAsync<VectorCollectionNotFoundException>(() => _store.UpsertAsync("chunks", [], CancellationToken.None));
    }

    [Fact]
    public async Task Count_asks_for_an_exact_count()
    {
        _fake.Answer = _ => (200, """{"result":{"count":42},"status":"ok"}""");

        Assert.Equal(42, await _store.CountAsync("chunks", CancellationToken.None));
        Assert.Equal("POST /collections/atom_chunks/points/count", Line(_fake.Requests[0]));
        Assert.True(Json(_fake.Requests[0]).GetProperty("exact").GetBoolean());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_server_that_fails_on_its_side_is_unavailable(int status)
    {
        _fake.Answer = _ => (status, """{"status":{"error":"Service unavailable"}}""");

        var error = await Assert.ThrowsAsync<VectorStoreUnavailableException>(() => _store.CountAsync("chunks", CancellationToken.None));

        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_request_is_a_bug_here_not_an_outage_and_says_why()
    {
        _fake.Answer = r => r.Method == "GET" ? (200, Existing) : (400, """{"status":{"error":"Wrong input: Vector dimension error: expected dim: 4, got 3"},"time":0.0}""");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SearchAsync("chunks", new VectorQuery(new float[] { 1, 0, 0, 0 }, 3, "t1"), CancellationToken.None));

        Assert.Contains("Vector dimension error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_unavailable()
    {
        _fake.Answer = _ => (200, "<html>proxy error</html>");

        await Assert.ThrowsAsync<VectorStoreUnavailableException>(() => _store.CountAsync("chunks", CancellationToken.None));
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_unavailable()
    {
        using var store = new QdrantVectorStore(new QdrantOptions { Url = _fake.Url, Timeout = TimeSpan.FromMilliseconds(200) });
        _fake.Delay = TimeSpan.FromSeconds(5);

        await Assert.ThrowsAsync<VectorStoreUnavailableException>(() => store.CountAsync("chunks", CancellationToken.None));
    }

    [Fact]
    public async Task A_server_nobody_listens_for_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var store = new QdrantVectorStore(new QdrantOptions { Url = $"http://127.0.0.1:{port}" });

        await Assert.ThrowsAsync<VectorStoreUnavailableException>(() => store.EnsureCollectionAsync("chunks", 4, CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_call_is_cancelled_not_unavailable()
    {
        _fake.Delay = TimeSpan.FromSeconds(5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.CountAsync("chunks", cancel.Token));
    }

    [Fact]
    public void Point_ids_are_stable_distinct_version_8_uuids()
    {
        var a = QdrantPointId.For("msg-1#0");

        Assert.Equal(a, QdrantPointId.For("msg-1#0"));
        Assert.NotEqual(a, QdrantPointId.For("msg-1#1"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", a);
    }

    private static string Line(FakeRequest request) => $"{request.Method} {request.Path}";

    private static JsonElement Json(FakeRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static string Condition(JsonElement condition)
    {
        var key = condition.GetProperty("key").GetString();
        if (condition.TryGetProperty("range", out var range))
        {
            return $"{key} range " + string.Join(' ', range.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt64()}"));
        }

        var match = condition.GetProperty("match");
        return match.TryGetProperty("any", out var any)
            ? $"{key} any {string.Join(',', any.EnumerateArray().Select(v => v.GetString()))}"
            : $"{key} value {match.GetProperty("value").GetString()}";
    }
}
