using System.Text.Json.Nodes;
using Atom.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// A FAKE OpenAI-compatible <c>POST /v1/audio/transcriptions</c> on loopback. No Whisper model is reachable here, so this one
/// answers in OpenAI's <c>verbose_json</c> format with <see cref="Text"/> as one segment spanning the upload, records every
/// request (form fields and the uploaded file), and fails on cue (<see cref="FakeOpenAiServer{TRequest}.FailNext"/>).
/// </summary>
public sealed class FakeOpenAiTranscriptionServer : FakeOpenAiServer<FakeOpenAiTranscriptionServer.RecordedRequest>
{
    /// <summary>Gets or sets what every answer says.</summary>
    public string Text { get; set; } = "fake transcript";

    /// <summary>Starts a server on a port the OS picks.</summary>
    public static Task<FakeOpenAiTranscriptionServer> StartAsync() => StartAsync(new FakeOpenAiTranscriptionServer(), "/v1/audio/transcriptions");

    /// <inheritdoc />
    protected override async Task<RecordedRequest> ReadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        using var content = new MemoryStream();
        if (file is not null)
        {
            await file.CopyToAsync(content);
        }

        var fields = form.Keys.ToDictionary(k => k, k => form[k].ToString());
        return new RecordedRequest(fields, file?.FileName ?? string.Empty, content.ToArray(), context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow);
    }

    /// <inheritdoc />
    protected override async Task AnswerAsync(HttpContext context, RecordedRequest request)
    {
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
