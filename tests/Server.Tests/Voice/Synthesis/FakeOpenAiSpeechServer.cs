using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Tests.Voice.Synthesis;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/audio/speech</c> on loopback: no speech model can run here. It answers <c>pcm</c> with
/// a 24 kHz 440 Hz tone of 0.1 s per input character, streamed in pieces, <c>mp3</c>/<c>opus</c> with a recognisable stub,
/// records every request body, and fails on cue.
/// </summary>
public sealed class FakeOpenAiSpeechServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> failures = new();
    private readonly ConcurrentQueue<JsonElement> requests = new();

    private FakeOpenAiSpeechServer(WebApplication app) => this.app = app;

    /// <summary>Gets the base URL, ending in <c>/v1</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the JSON bodies received.</summary>
    public IReadOnlyList<JsonElement> Requests => [.. requests];

    /// <summary>Gets or sets a pause before the audio, to trip timeouts.</summary>
    public TimeSpan Stall { get; set; }

    public static async Task<FakeOpenAiSpeechServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAiSpeechServer(builder.Build());
        server.app.MapPost("/v1/audio/speech", server.HandleAsync);
        await server.app.StartAsync();
        server.BaseUrl = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/v1";
        return server;
    }

    /// <summary>Fails the next <paramref name="times"/> requests with <paramref name="status"/>.</summary>
    public void FailNext(int status, int times = 1, string? retryAfter = null)
    {
        for (var i = 0; i < times; i++)
        {
            failures.Enqueue((status, retryAfter));
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        requests.Enqueue(body.RootElement.Clone());
        if (failures.TryDequeue(out var failure))
        {
            context.Response.StatusCode = failure.Status;
            if (failure.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = failure.RetryAfter;
            }

            await context.Response.WriteAsJsonAsync(new { error = new { message = $"fake failure {failure.Status}", type = "fake" } });
            return;
        }

        await Task.Delay(Stall, context.RequestAborted);
        var input = body.RootElement.GetProperty("input").GetString()!;
        switch (body.RootElement.GetProperty("response_format").GetString())
        {
            case "pcm":
                var pcm = AudioFixtures.Pcm16(AudioFixtures.Sine(440, input.Length * 0.1, 24000));
                for (var at = 0; at < pcm.Length; at += 4801)
                {
                    // Odd-sized pieces: samples split across reads, as real servers' chunks do.
                    await context.Response.Body.WriteAsync(pcm.AsMemory(at, Math.Min(4801, pcm.Length - at)));
                    await context.Response.Body.FlushAsync();
                }

                break;
            case var other:
                await context.Response.WriteAsync($"FAKE-{other}");
                break;
        }
    }
}
