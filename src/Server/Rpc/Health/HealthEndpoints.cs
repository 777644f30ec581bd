using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Atom.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Atom.Server.Rpc.Health;

/// <summary>Maps <c>GET /healthz</c>: the health registry as JSON, for load balancers and orchestrators that do not speak gRPC.</summary>
public static class HealthEndpoints
{
    /// <summary>The path of the HTTP health endpoint.</summary>
    public const string Path = "/healthz";

    /// <summary>
    /// Maps <c>GET /healthz</c>: <c>{"status":"SERVING","services":{"pkg.Service":"SERVING",...}}</c>,
    /// 200 while the server is serving and 503 otherwise (before start-up completes and from the start of shutdown).
    /// </summary>
    /// <param name="endpoints">The endpoint builder.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapAtomHealthz(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], WriteAsync).WithDisplayName("Atom health");

    private static async Task WriteAsync(HttpContext http)
    {
        var statuses = http.RequestServices.GetRequiredService<HealthStatusRegistry>().GetAll();
        var overall = statuses.TryGetValue(HealthStatusRegistry.Server, out var server) ? server : ServingStatus.NotServing;

        var response = http.Response;
        response.StatusCode = overall == ServingStatus.Serving ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(http.Request.Method))
        {
            return;
        }

        await using var json = new Utf8JsonWriter(response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", Name(overall));
        json.WriteStartObject("services");
        foreach (var (service, status) in statuses.Where(s => s.Key.Length > 0).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            json.WriteString(service, Name(status));
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    // The proto enum value names, as gRPC health clients print them.
    private static string Name(ServingStatus status) => status switch
    {
        ServingStatus.Serving => "SERVING",
        ServingStatus.NotServing => "NOT_SERVING",
        ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}
