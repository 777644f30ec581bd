using System.Net;
using System.Text;
using System.Text.Json;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Rpc.Transcoding;

public sealed class RestFaceTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _client = server.CreateHttp1Client();

    [Fact]
    public async Task Get_server_info_returns_version_and_components()
    {
        using var response = await _client.GetAsync("/v1/server/info");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^\d+\.\d+\.\d+$", json.GetProperty("version").GetString());
        Assert.NotEmpty(json.GetProperty("components").EnumerateArray());
        Assert.Contains(json.GetProperty("services").EnumerateArray(), s => s.GetString() == "atomtest.v1.EchoService");
    }

    [Fact]
    public async Task Post_with_a_body_binds_the_whole_message()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"message":"hi","big":"9007199254740993","color":"COLOR_BLUE","item":{"id":"i1","count":"5","created":"2024-01-02T03:04:05Z"},"wait":"1.5s","maybe":7,"flag":true,"data":"AQID"}""");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("hi", json.GetProperty("message").GetString());
        Assert.Equal("9007199254740993", json.GetProperty("big").GetString());
        Assert.Equal("COLOR_BLUE", json.GetProperty("color").GetString());
        Assert.Equal("i1", json.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal("5", json.GetProperty("item").GetProperty("count").GetString());
        Assert.Equal("2024-01-02T03:04:05Z", json.GetProperty("item").GetProperty("created").GetString());
        Assert.Equal("1.500s", json.GetProperty("wait").GetString());
        Assert.Equal(7, json.GetProperty("maybe").GetInt32());
        Assert.True(json.GetProperty("flag").GetBoolean());
        Assert.Equal("AQID", json.GetProperty("data").GetString());
    }

    [Fact]
    public async Task An_empty_body_is_an_empty_message()
    {
        using var response = await _client.PostAsync("/v1/echo", new ByteArrayContent([]));
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.False(json.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task Get_binds_the_path_and_the_query_string()
    {
        using var response = await _client.GetAsync("/v1/echo/hello%20world?labels=a&labels=b&item.id=i7&item.count=-12&color=2&big=123&flag=true&data=-_8&maybe=3&wait=2s");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("hello world", json.GetProperty("message").GetString());
        Assert.Equal(["a", "b"], json.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("i7", json.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal("-12", json.GetProperty("item").GetProperty("count").GetString());
        Assert.Equal("COLOR_BLUE", json.GetProperty("color").GetString());
        Assert.Equal("123", json.GetProperty("big").GetString());
        Assert.True(json.GetProperty("flag").GetBoolean());
        Assert.Equal("+/8=", json.GetProperty("data").GetString());
        Assert.Equal(3, json.GetProperty("maybe").GetInt32());
        Assert.Equal("2s", json.GetProperty("wait").GetString());
    }

    [Fact]
    public async Task Query_parameters_also_take_json_names()
    {
        using var response = await _client.GetAsync("/v1/echo/x?responseSize=2");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("AAA=", json.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task A_nested_path_field_is_bound()
    {
        using var response = await _client.GetAsync("/v1/items/it%2F42?item.count=3");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("it/42", json.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal("3", json.GetProperty("item").GetProperty("count").GetString());
    }

    [Fact]
    public async Task Multi_segment_variables_keep_their_slashes()
    {
        using var files = await _client.GetAsync("/v1/files/a/b/c.txt");
        using var shelves = await _client.GetAsync("/v1/shelves/shelves/s1/books");

        Assert.Equal("a/b/c.txt", (await ReadJsonAsync(files)).GetProperty("message").GetString());
        Assert.Equal("shelves/s1", (await ReadJsonAsync(shelves)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Body_field_binds_the_body_to_that_field()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/echo/m1/item?labels=x") { Content = Json("""{"id":"body-id","count":"77"}""") };
        using var response = await _client.SendAsync(request);
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("m1", json.GetProperty("message").GetString());
        Assert.Equal("body-id", json.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal("77", json.GetProperty("item").GetProperty("count").GetString());
        Assert.Equal("x", json.GetProperty("labels")[0].GetString());
    }

    [Fact]
    public async Task Response_body_sends_only_that_field()
    {
        using var response = await _client.GetAsync("/v1/echo/m2/item?item.id=only");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("only", json.GetProperty("id").GetString());
        Assert.False(json.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task A_custom_verb_routes_to_its_method()
    {
        using var response = await PostJsonAsync("/v1/echo/job7:cancel", "{}");
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.OK, response, json);
        Assert.Equal("cancelled job7", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Server_streams_are_ndjson_one_message_per_line()
    {
        using var response = await _client.GetAsync("/v1/count/3");
        var lines = await ReadLinesAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, lines.Count);
        Assert.Equal(["#0", "#1", "#2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Server_stream_lines_arrive_as_they_are_sent()
    {
        using var response = await _client.GetAsync("/v1/count/2?intervalMs=3000", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        // The second line is 3 s away: the first must come before it, flushed on its own.
        var first = await reader.ReadLineAsync(timeout.Token);
        Assert.Equal("#0", JsonDocument.Parse(first!).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_error_mid_stream_ends_it_with_an_error_line()
    {
        using var response = await _client.GetAsync("/v1/count/2?failWithCode=9");
        var lines = await ReadLinesAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, lines.Count);
        var error = JsonDocument.Parse(lines[2]).RootElement.GetProperty("error");
        Assert.Equal(9, error.GetProperty("code").GetInt32());
        Assert.Equal("asked to fail mid-stream", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_error_before_the_first_line_gets_its_http_status()
    {
        using var response = await _client.GetAsync("/v1/count/0?failWithCode=7");
        var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(7, json.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Invalid_argument_is_400_with_a_bad_request_violation()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"failWithCode":3}""");
        var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        var details = json.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        var badRequest = details.Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal("fail_with_code", badRequest.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
        Assert.Equal("3", response.Headers.GetValues("grpc-status").Single());
    }

    [Theory]
    [InlineData(5, HttpStatusCode.NotFound)]
    [InlineData(16, HttpStatusCode.Unauthorized)]
    [InlineData(14, HttpStatusCode.ServiceUnavailable)]
    [InlineData(2, HttpStatusCode.InternalServerError)]
    public async Task Error_codes_map_to_http_statuses(int code, HttpStatusCode expected)
    {
        using var response = await _client.GetAsync($"/v1/echo/x?failWithCode={code}");
        var json = await ReadJsonAsync(response);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(code, json.GetProperty("code").GetInt32());
        Assert.Equal("asked to fail", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Response_metadata_becomes_headers_and_trailers_get_a_prefix()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"message":"m","headers":{"x-head":"h1","x-data-bin":"AQI="},"trailers":{"x-tail":"t1"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("h1", response.Headers.GetValues("x-head").Single());
        Assert.Equal("AQI=", response.Headers.GetValues("x-data-bin").Single());
        Assert.Equal("t1", response.Headers.GetValues("grpc-trailer-x-tail").Single());
    }

    [Fact]
    public async Task Request_headers_reach_the_handler()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo/x");
        request.Headers.Add("x-echo", "from-the-caller");
        using var response = await _client.SendAsync(request);

        Assert.Equal("from-the-caller", (await ReadJsonAsync(response)).GetProperty("echoHeader").GetString());
    }

    [Fact]
    public async Task A_grpc_timeout_header_sets_the_deadline()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo/x?delayMs=5000");
        request.Headers.Add("grpc-timeout", "100m");
        using var response = await _client.SendAsync(request);
        var json = await ReadJsonAsync(response);

        AssertStatus(HttpStatusCode.GatewayTimeout, response, json);
        Assert.Equal(4, json.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Invalid_json_is_400()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"message": """);

        await AssertBadRequestAsync(response, "body", "not valid JSON");
    }

    [Fact]
    public async Task An_unknown_json_field_is_400_naming_it()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"message":"x","nope":1}""");

        await AssertBadRequestAsync(response, "nope", "nope");
    }

    [Fact]
    public async Task A_wrong_json_type_is_400()
    {
        using var response = await PostJsonAsync("/v1/echo", """{"delayMs":"soon"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, (await ReadJsonAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_400_naming_it()
    {
        using var response = await _client.GetAsync("/v1/echo/x?nope=1");

        await AssertBadRequestAsync(response, "nope", "unknown query parameter");
    }

    [Fact]
    public async Task A_query_parameter_for_a_path_bound_field_is_400()
    {
        using var response = await _client.GetAsync("/v1/echo/x?message=y");

        await AssertBadRequestAsync(response, "message", "bound by the path");
    }

    [Fact]
    public async Task A_query_parameter_on_a_whole_body_route_is_400()
    {
        using var response = await PostJsonAsync("/v1/echo?labels=a", "{}");

        await AssertBadRequestAsync(response, "labels", "from the body");
    }

    [Fact]
    public async Task A_wrong_type_in_the_path_is_400_naming_the_field()
    {
        using var response = await _client.GetAsync("/v1/count/abc");

        await AssertBadRequestAsync(response, "count", "'abc' is not a valid int32");
    }

    [Theory]
    [InlineData("/v1/echo/x?big=12.5", "big")]
    [InlineData("/v1/echo/x?color=COLOR_GREEN", "color")]
    [InlineData("/v1/echo/x?flag=yes", "flag")]
    [InlineData("/v1/echo/x?item.created=yesterday", "item.created")]
    [InlineData("/v1/echo/x?delay_ms=1&delay_ms=2", "delay_ms")]
    [InlineData("/v1/echo/x?item=1", "item")]
    public async Task Wrong_query_values_are_400_naming_the_parameter(string uri, string field)
    {
        using var response = await _client.GetAsync(uri);

        await AssertBadRequestAsync(response, field, string.Empty);
    }

    [Fact]
    public async Task Another_http_method_on_a_known_path_is_405_with_allow()
    {
        using var response = await _client.DeleteAsync("/v1/echo/x/item");
        var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "PUT"], response.Content.Headers.Allow.Order());
        Assert.Equal(12, json.GetProperty("code").GetInt32());
        Assert.Contains(json.GetProperty("details").EnumerateArray(), d => d.GetProperty("reason").GetString() == "HTTP_METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Unknown_paths_and_client_streaming_rules_fall_through_to_404()
    {
        using var unknown = await _client.GetAsync("/v1/nothing/here");
        using var collect = await PostJsonAsync("/v1/collect", "{}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, collect.StatusCode);
    }

    [Fact]
    public async Task The_server_still_serves_after_bad_requests()
    {
        using (await PostJsonAsync("/v1/echo", "{not json"))
        using (await _client.GetAsync("/v1/count/abc"))
        using (await _client.PatchAsync("/v1/echo", Json("{}")))
        {
        }

        using var response = await _client.GetAsync("/v1/echo/still-here");
        Assert.Equal("still-here", (await ReadJsonAsync(response)).GetProperty("message").GetString());
    }

    private static void AssertStatus(HttpStatusCode expected, HttpResponseMessage response, JsonElement json) =>
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {response.StatusCode}: {json}");

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string field, string descriptionPart)
    {
        var json = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        var badRequest = json.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        var violation = badRequest.GetProperty("fieldViolations")[0];
        Assert.Equal(field, violation.GetProperty("field").GetString());
        Assert.Contains(descriptionPart, violation.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string uri, string json) => _client.PostAsync(uri, Json(json));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Not JSON ({(int)response.StatusCode}): {text}", ex);
        }
    }

    private static async Task<List<string>> ReadLinesAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
