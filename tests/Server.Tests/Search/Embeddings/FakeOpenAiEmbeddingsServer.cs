using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/embeddings</c> on loopback. No real embeddings server can run here (no model weights
/// are reachable), so this one answers in OpenAI's wire format with made-up vectors (<see cref="VectorFor"/>), records every
/// request, and fails on cue (<see cref="FailNext"/>, <see cref="DelayNext"/>, <see cref="AnswerNext"/>).
/// </summary>
public sealed class FakeOpenAiEmbeddingsServer : IAsyncDisposable
{
    /// <summary>The vector length when a request names none.</summary>
    public const int DefaultDimensions = 8;

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> cues = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    private FakeOpenAiEmbeddingsServer(WebApplication app) => this.app = app;

    /// <summary>Gets the base URL to configure, ending in <c>/v1</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets or sets whether answers ignore <c>encoding_format: base64</c> and send float arrays, as some servers do.</summary>
    public bool AlwaysFloats { get; set; }

    /// <summary>Gets the requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Starts a server on a port the OS picks.</summary>
    public static async Task<FakeOpenAiEmbeddingsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAiEmbeddingsServer(builder.Build());
        server.app.MapPost("/v1/embeddings", server.HandleAsync);
        await server.app.StartAsync();
        var address = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>The vector the fake gives <paramref name="text"/>: its length, its first character, then 1, 2, 3, …</summary>
    public static float[] VectorFor(string text, int dimensions) =>
        [.. Enumerable.Range(0, dimensions).Select(d => d switch { 0 => text.Length, 1 => text[0], _ => (float)d - 1 })];

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> and an OpenAI error body.</summary>
    public void FailNext(int status, int times = 1, string? retryAfter = null, string message = "fake failure")
    {
        for (var i = 0; i < times; i++)
        {
            cues.Enqueue(async context =>
            {
                context.Response.StatusCode = status;
                if (retryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "fake_error", ["code"] = status } });
                return true;
            });
        }
    }

    /// <summary>Holds the next request for <paramref name="delay"/> before answering it normally.</summary>
    public void DelayNext(TimeSpan delay) => cues.Enqueue(async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        return false;
    });

    /// <summary>Answers the next request with <paramref name="json"/> (status 200).</summary>
    public void AnswerNext(string json) => cues.Enqueue(async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
        return true;
    });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        requests.Enqueue(new RecordedRequest(body, context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow));
        if (cues.TryDequeue(out var cue) && await cue(context))
        {
            return;
        }

        var inputs = body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToArray() : [body["input"]!.GetValue<string>()];
        var dimensions = body["dimensions"]?.GetValue<int>() ?? DefaultDimensions;
        var base64 = !AlwaysFloats && body["encoding_format"]?.GetValue<string>() == "base64";
        var data = inputs.Select((text, index) =>
        {
            var vector = VectorFor(text, dimensions);
            JsonNode embedding = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : new JsonArray([.. vector.Select(v => JsonValue.Create(v))]);
            return new JsonObject { ["object"] = "embedding", ["index"] = index, ["embedding"] = embedding };
        });
        var tokens = inputs.Sum(i => i.Split(' ').Length);
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. data]),
            ["model"] = body["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    /// <summary>One request as received.</summary>
    /// <param name="Body">The JSON body.</param>
    /// <param name="Authorization">The Authorization header; empty when none was sent.</param>
    /// <param name="At">When it arrived.</param>
    public sealed record RecordedRequest(JsonObject Body, string Authorization, DateTimeOffset At)
    {
        /// <summary>Gets the texts sent.</summary>
        public string[] Inputs => [.. Body["input"]!.AsArray().Select(i => i!.GetValue<string>())];
    }
}
