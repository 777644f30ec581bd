using Atom.Server.Hosting;

await using var server = AtomServer.Create(args);
await server.StartAsync();
Console.WriteLine($"""

    Atom is running.
      gRPC (HTTP/2)               {server.GrpcAddress}
      gRPC-Web and REST (HTTP/1.1) {server.HttpAddress}
      try                         curl {server.HttpAddress}v1/server/info
      OpenAPI                     {server.HttpAddress}openapi.json
    Press Ctrl+C to stop.
    """);
await server.WaitForShutdownAsync();
