using Atom.Server.Rpc.Internal.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Rpc.Internal.Transcoding;

/// <summary>
/// JSON REST from the google.api.http rules of every served method, and <c>GET /openapi.json</c> describing them.
/// The route table and the document are built once, when the dispatcher is created; a bad rule stops start-up.
/// </summary>
internal sealed partial class RestFace : IRestFace
{
    /// <summary>The path of the OpenAPI document.</summary>
    public const string OpenApiPath = "/openapi.json";

    private readonly RestRouteTable _routes;
    private readonly OpenApiDocument _openApi;
    private readonly int _maxReceiveMessageSize;

    public RestFace(RpcServiceRegistry registry, IOptions<AtomRpcOptions> options, ILogger<RestFace> logger)
    {
        var routes = RestRouteTable.FromMethods(registry.ServerMethods, method => Log.StreamingMethodNotMapped(logger, method.Method.FullName, method.Method.Type));
        _routes = new RestRouteTable(routes);
        _openApi = OpenApiDocument.Build(_routes.Routes);
        _maxReceiveMessageSize = options.Value.MaxReceiveMessageSize;
        Log.RoutesBuilt(logger, _routes.Routes.Count);
    }

    /// <summary>Gets the routes, most specific first.</summary>
    public IReadOnlyList<RestRoute> Routes => _routes.Routes;

    public bool TryMatch(HttpContext http, out IRestCall call)
    {
        var request = http.Request;
        var path = RawPath(http);
        if (HttpMethods.IsGet(request.Method) && string.Equals(path, OpenApiPath, StringComparison.Ordinal))
        {
            call = _openApi;
            return true;
        }

        switch (_routes.Match(request.Method, path, out var route, out var values, out var allowed))
        {
            case RestMatch.Found:
                call = new RestCall(route!, values, _maxReceiveMessageSize);
                return true;
            case RestMatch.MethodNotAllowed:
                call = new MethodNotAllowedCall(allowed!);
                return true;
            default:
                call = null!;
                return false;
        }
    }

    /// <summary>The path as sent, still percent-encoded (so "%2F" inside a value is not a separator), without the query.</summary>
    private static string RawPath(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return http.Request.PathBase.Add(http.Request.Path).ToUriComponent();
        }

        var query = raw.IndexOfAny(['?', '#']);
        return query < 0 ? raw : raw[..query];
    }
}
