using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Tests.Search.Vectors;

/// <summary>
/// A FAKE Qdrant, not Qdrant: a loopback HTTP server that records each request and answers with the canned JSON the test
/// gives it. No Qdrant can run on this machine, so this checks only the adapter's side of the wire (the JSON it sends,
/// how it reads answers and maps errors); the store's behaviour against a real server is
/// <see cref="QdrantVectorStoreContractTests"/>' business.
/// </summary>
internal sealed class FakeQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeQdrantServer(WebApplication app) => _app = app;

    /// <summary>Gets the requests received, in order.</summary>
    public List<FakeRequest> Requests { get; } = [];

    /// <summary>Gets or sets the answer to a request: status and JSON body. Default: 200 with an acknowledged update.</summary>
    public Func<FakeRequest, (int Status, string Body)> Answer { get; set; } = _ => (200, """{"result":{"operation_id":1,"status":"completed"},"status":"ok","time":0.001}""");

    /// <summary>Gets or sets a delay before every answer, to make the client time out.</summary>
    public TimeSpan Delay { get; set; }

    public string Url => _app.Urls.First();

    public static async Task<FakeQdrantServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeQdrantServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var request = new FakeRequest(
            http.Request.Method, http.Request.Path + http.Request.QueryString, await reader.ReadToEndAsync(), http.Request.Headers["api-key"].FirstOrDefault());
        lock (Requests)
        {
            Requests.Add(request);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, http.RequestAborted);
        }

        var (status, body) = Answer(request);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }
}

/// <summary>One request the fake received.</summary>
internal sealed record FakeRequest(string Method, string Path, string Body, string? ApiKey);
