using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/audio/transcriptions</c> on loopback. No Whisper model is reachable here, so this one
/// answers in OpenAI's <c>verbose_json</c> format with <see cref="Text"/> as one segment spanning the upload, records every
/// request (form fields and the uploaded file), and fails on cue (<see cref="FailNext"/>, <see cref="AnswerNext"/>).
/// </summary>
public sealed class FakeOpenAiTranscriptionServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> cues = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    private FakeOpenAiTranscriptionServer(WebApplication app) => this.app = app;

    /// <summary>Gets the base URL to configure, ending in <c>/v1</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets or sets what every answer says.</summary>
    public string Text { get; set; } = "fake transcript";

    /// <summary>Gets the requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Starts a server on a port the OS picks.</summary>
    public static async Task<FakeOpenAiTranscriptionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAiTranscriptionServer(builder.Build());
        server.app.MapPost("/v1/audio/transcriptions", server.HandleAsync);
        await server.app.StartAsync();
        var address = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> and an OpenAI error body.</summary>
    public void FailNext(int status, int times = 1, string? retryAfter = null)
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

                await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = "fake failure", ["type"] = "fake_error" } });
                return true;
            });
        }
    }

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
        var form = await context.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        using var content = new MemoryStream();
        if (file is not null)
        {
            await file.CopyToAsync(content);
        }

        var fields = form.Keys.ToDictionary(k => k, k => form[k].ToString());
        var request = new RecordedRequest(fields, file?.FileName ?? string.Empty, content.ToArray(), context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow);
        requests.Enqueue(request);
        if (cues.TryDequeue(out var cue) && await cue(context))
        {
            return;
        }

        var duration = Math.Max(0, request.File.Length - 44) / 32000.0;
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["task"] = "transcribe",
            ["language"] = "english",
            ["duration"] = duration,
            ["text"] = Text,
            ["segments"] = new JsonArray(new JsonObject
            {
                ["id"] = 0,
                ["seek"] = 0,
                ["start"] = 0.0,
                ["end"] = duration,
                ["text"] = " " + Text,
                ["tokens"] = new JsonArray(),
                ["temperature"] = 0.0,
                ["avg_logprob"] = -0.25,
                ["compression_ratio"] = 1.1,
                ["no_speech_prob"] = 0.01,
            }),
        });
    }

    /// <summary>One request as received.</summary>
    /// <param name="Fields">The form fields other than the file.</param>
    /// <param name="FileName">The uploaded file's name.</param>
    /// <param name="File">The uploaded file.</param>
    /// <param name="Authorization">The Authorization header; empty when none was sent.</param>
    /// <param name="At">When it arrived.</param>
    public sealed record RecordedRequest(Dictionary<string, string> Fields, string FileName, byte[] File, string Authorization, DateTimeOffset At);
}
