using Atom.Server.Rpc.Internal.Transcoding;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Rpc.Internal.OpenApi;

/// <summary>The OpenAPI 3.1 document of the REST routes, rendered once and served as-is.</summary>
internal sealed class OpenApiDocument : IRestCall
{
    private OpenApiDocument(byte[] json) => Json = json;

    /// <summary>Gets the document, UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>Renders the document for <paramref name="routes"/>.</summary>
    public static OpenApiDocument Build(IReadOnlyList<RestRoute> routes) => new(OpenApiDocumentWriter.Write(routes, ApiVersion()));

    public async Task ExecuteAsync(HttpContext http, RpcDispatcher dispatcher)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = Json.Length;
        await http.Response.Body.WriteAsync(Json, http.RequestAborted);
    }

    private static string ApiVersion() => typeof(OpenApiDocument).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
