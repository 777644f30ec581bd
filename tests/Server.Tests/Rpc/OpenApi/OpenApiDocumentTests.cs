using System.Net;
using System.Text.Json;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Rpc.OpenApi;

public sealed class OpenApiDocumentTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<JsonElement> GetDocumentAsync()
    {
        using var client = server.CreateHttp1Client();
        using var response = await client.GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task The_document_is_openapi_3_1_with_info()
    {
        var document = await GetDocumentAsync();

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.Equal("Atom", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", document.GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Every_binding_is_an_operation_with_the_right_method()
    {
        var paths = (await GetDocumentAsync()).GetProperty("paths");

        var info = paths.GetProperty("/v1/server/info").GetProperty("get");
        Assert.Equal("ServerService_GetServerInfo", info.GetProperty("operationId").GetString());
        Assert.Equal("ServerService", info.GetProperty("tags")[0].GetString());
        Assert.False(paths.GetProperty("/v1/server/info").TryGetProperty("post", out _));

        var echo = paths.GetProperty("/v1/echo");
        Assert.Equal(["post"], echo.EnumerateObject().Select(p => p.Name));
        Assert.Equal("#/components/schemas/atomtest.v1.EchoRequest",
            echo.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/google.rpc.Status",
            echo.GetProperty("post").GetProperty("responses").GetProperty("default").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Empty(echo.GetProperty("post").GetProperty("parameters").EnumerateArray());

        Assert.Equal(["get", "put"], paths.GetProperty("/v1/echo/{message}/item").EnumerateObject().Select(p => p.Name).Order());
        Assert.True(paths.TryGetProperty("/v1/echo/{message}:cancel", out _));
        Assert.True(paths.GetProperty("/v1/count/{count}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/x-ndjson", out _));
        Assert.False(paths.TryGetProperty("/v1/collect", out _));
    }

    [Fact]
    public async Task Path_and_query_parameters_have_schemas()
    {
        var parameters = (await GetDocumentAsync()).GetProperty("paths").GetProperty("/v1/echo/{message}").GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();

        var message = parameters.Single(p => p.GetProperty("name").GetString() == "message");
        Assert.Equal("path", message.GetProperty("in").GetString());
        Assert.True(message.GetProperty("required").GetBoolean());

        var labels = parameters.Single(p => p.GetProperty("name").GetString() == "labels");
        Assert.Equal("query", labels.GetProperty("in").GetString());
        Assert.Equal("array", labels.GetProperty("schema").GetProperty("type").GetString());

        var itemCount = parameters.Single(p => p.GetProperty("name").GetString() == "item.count");
        Assert.Equal("string", itemCount.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("int64", itemCount.GetProperty("schema").GetProperty("format").GetString());
        Assert.DoesNotContain(parameters, p => p.GetProperty("name").GetString() == "attributes");
    }

    [Fact]
    public async Task Schemas_follow_the_proto3_json_mapping()
    {
        var schemas = (await GetDocumentAsync()).GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty("atomtest.v1.EchoRequest").GetProperty("properties");

        Assert.Equal("string", request.GetProperty("big").GetProperty("type").GetString());
        Assert.Equal("int64", request.GetProperty("big").GetProperty("format").GetString());
        Assert.Equal("integer", request.GetProperty("failWithCode").GetProperty("type").GetString());
        Assert.Equal("byte", request.GetProperty("data").GetProperty("format").GetString());
        Assert.Equal("array", request.GetProperty("labels").GetProperty("type").GetString());
        Assert.Equal("object", request.GetProperty("attributes").GetProperty("type").GetString());
        Assert.Equal("string", request.GetProperty("attributes").GetProperty("additionalProperties").GetProperty("type").GetString());
        Assert.Equal("string", request.GetProperty("wait").GetProperty("type").GetString());
        Assert.Equal(["integer", "null"], request.GetProperty("maybe").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("oneof choice", request.GetProperty("first").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/atomtest.v1.Color", request.GetProperty("color").GetProperty("$ref").GetString());
        Assert.Equal(["COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_BLUE"], schemas.GetProperty("atomtest.v1.Color").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));

        var created = schemas.GetProperty("atomtest.v1.Item").GetProperty("properties").GetProperty("created");
        Assert.Equal("date-time", created.GetProperty("format").GetString());

        var status = schemas.GetProperty("google.rpc.Status").GetProperty("properties");
        Assert.Equal("array", status.GetProperty("details").GetProperty("type").GetString());
        Assert.True(schemas.TryGetProperty("atom.v1.GetServerInfoResponse", out _));
    }
}
