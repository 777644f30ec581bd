namespace Atom.Server.Hosting;

/// <summary>The server's top-level options (configuration section <c>Atom</c>).</summary>
public sealed class AtomServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom";

    /// <summary>Gets or sets where native gRPC (HTTP/2 cleartext) listens. Port 0 picks a free port.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:7400";

    /// <summary>Gets or sets where gRPC-Web, REST, /openapi.json and /healthz (HTTP/1.1) listen. Port 0 picks a free port.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:7480";

    /// <summary>Gets or sets the directory for the server's data (database, blobs, keys).</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Gets or sets the origins allowed to call gRPC-Web and REST from a browser; "*" allows any.</summary>
    public string[] CorsOrigins { get; set; } = ["*"];

    /// <summary>Gets or sets how long shutdown waits for open calls and streams to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
