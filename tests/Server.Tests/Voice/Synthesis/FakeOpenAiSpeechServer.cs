using System.Text.Json;
using Atom.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Tests.Voice.Synthesis;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/audio/speech</c> on loopback: no speech model can run here. It answers <c>pcm</c> with
/// a 24 kHz 440 Hz tone of 0.1 s per input character, streamed in pieces, <c>mp3</c>/<c>opus</c> with a recognisable stub,
/// records every request body, and fails on cue.
/// </summary>
public sealed class FakeOpenAiSpeechServer : FakeOpenAiServer<JsonElement>
{
    /// <summary>Gets or sets a pause before the audio, to trip timeouts.</summary>
    public TimeSpan Stall { get; set; }

    /// <summary>Starts a server on a port the OS picks.</summary>
    public static Task<FakeOpenAiSpeechServer> StartAsync() => StartAsync(new FakeOpenAiSpeechServer(), "/v1/audio/speech");

    /// <inheritdoc />
    protected override async Task<JsonElement> ReadAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        return body.RootElement.Clone();
    }

    /// <inheritdoc />
    protected override async Task AnswerAsync(HttpContext context, JsonElement request)
    {
        await Task.Delay(Stall, context.RequestAborted);
        var input = request.GetProperty("input").GetString()!;
        switch (request.GetProperty("response_format").GetString())
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
