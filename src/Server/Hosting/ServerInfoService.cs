using System.Reflection;
using System.Runtime.InteropServices;
using Atom.Server.Rpc;
using Atom.V1;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Hosting;

/// <summary>Implements atom.v1.ServerService: what this server is and what it runs with.</summary>
public sealed class ServerInfoService(ComponentCatalog components, RpcServiceRegistry registry, TimeProvider time) : ServerServiceBase
{
    private static readonly string Version = typeof(ServerInfoService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static readonly string Build = typeof(ServerInfoService).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceRevisionId")?.Value is { Length: > 0 } revision
        ? revision
        : "dev";

    private readonly Timestamp _startTime = Timestamp.FromDateTimeOffset(time.GetUtcNow());

    /// <inheritdoc />
    public override Task<GetServerInfoResponse> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var response = new GetServerInfoResponse
        {
            Version = Version,
            Build = Build,
            StartTime = _startTime,
            Runtime = RuntimeInformation.FrameworkDescription,
        };
        response.Components.AddRange(components.Components.Select(c => new Component
        {
            Name = c.Name,
            Provider = c.Provider,
            Enabled = c.Enabled,
            Detail = c.Detail,
        }));
        response.Services.AddRange(registry.Services.Select(s => s.FullName));
        return Task.FromResult(response);
    }
}
