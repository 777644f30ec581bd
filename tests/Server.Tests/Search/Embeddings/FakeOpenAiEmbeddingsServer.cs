using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Atom.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/embeddings</c> on loopback. No real embeddings server can run here (no model weights
/// are reachable), so this one answers in OpenAI's wire format with made-up vectors (<see cref="VectorFor"/>), records every
/// request, and fails on cue (<see cref="FakeOpenAiServer{TRequest}.FailNext"/> and the other cues).
/// </summary>
public sealed class FakeOpenAiEmbeddingsServer : FakeOpenAiServer<FakeOpenAiEmbeddingsServer.RecordedRequest>
{
    /// <summary>The vector length when a request names none.</summary>
    public const int DefaultDimensions = 8;

    /// <summary>Gets or sets whether answers ignore <c>encoding_format: base64</c> and send float arrays, as some servers do.</summary>
    public bool AlwaysFloats { get; set; }

    /// <summary>Starts a server on a port the OS picks.</summary>
    public static Task<FakeOpenAiEmbeddingsServer> StartAsync() => StartAsync(new FakeOpenAiEmbeddingsServer(), "/v1/embeddings");

    /// <summary>The vector the fake gives <paramref name="text"/>: its length, its first character, then 1, 2, 3, …</summary>
    public static float[] VectorFor(string text, int dimensions) =>
        [.. Enumerable.Range(0, dimensions).Select(d => d switch { 0 => text.Length, 1 => text[0], _ => (float)d - 1 })];

    /// <inheritdoc />
    protected override async Task<RecordedRequest> ReadAsync(HttpContext context) =>
        new((await JsonNode.ParseAsync(context.Request.Body))!.AsObject(), context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow);

    /// <inheritdoc />
    protected override async Task AnswerAsync(HttpContext context, RecordedRequest request)
    {
        var body = request.Body;
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
