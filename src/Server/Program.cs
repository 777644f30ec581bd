using Atom.Server.Hosting;
using Atom.Server.Search.Embeddings;
using Microsoft.Extensions.DependencyInjection;

// Offline commands run instead of the server: build scripts call them, so the server never needs node at run time.
if (args is [EmbeddingsCommand.Name, .. var rest])
{
    return EmbeddingsCommand.Run(rest);
}

await using var server = AtomServer.Create(args);
await server.StartAsync();

// Transports are the lines above; the rest are what an operator checks first: where data goes, and what is switched off.
var components = server.Services.GetRequiredService<ComponentCatalog>().Components
    .Where(c => !c.Name.StartsWith("transport.", StringComparison.Ordinal) && c.Name is not ("health" or "reflection"))
    .Select(c => $"  {c.Name,-28}{(c.Enabled ? c.Provider : "off")}  {c.Detail}");
Console.WriteLine($"""

    Atom is running.
      gRPC (HTTP/2)               {server.GrpcAddress}
      gRPC-Web and REST (HTTP/1.1) {server.HttpAddress}
      try                         curl {server.HttpAddress}v1/server/info
      OpenAPI                     {server.HttpAddress}openapi.json
    {string.Join(Environment.NewLine, components)}
    Press Ctrl+C to stop.
    """);
await server.WaitForShutdownAsync();
return 0;
