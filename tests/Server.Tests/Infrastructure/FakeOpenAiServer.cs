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

namespace Atom.Server.Tests.Infrastructure;

/// <summary>
/// What every FAKE OpenAI-compatible endpoint shares (no model can run here): one <c>POST</c> route on a loopback port the
/// OS picks, every request recorded in order, and cues for the next requests (<see cref="FailNext"/>,
/// <see cref="DelayNext"/>, <see cref="AnswerNext"/>) taken before the fake's own answer.
/// </summary>
/// <typeparam name="TRequest">A request as the fake records it.</typeparam>
public abstract class FakeOpenAiServer<TRequest> : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> cues = new();
    private readonly ConcurrentQueue<TRequest> requests = new();
    private WebApplication? app;

    /// <summary>Gets the base URL to configure, ending in <c>/v1</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the requests received, in order.</summary>
    public IReadOnlyList<TRequest> Requests => [.. requests];

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> and an OpenAI error body.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="times">How many requests.</param>
    /// <param name="retryAfter">A Retry-After header, if any.</param>
    /// <param name="message">The error's message; null: <c>fake failure STATUS</c>.</param>
    public void FailNext(int status, int times = 1, string? retryAfter = null, string? message = null)
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

                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["error"] = new JsonObject { ["message"] = message ?? $"fake failure {status}", ["type"] = "fake_error", ["code"] = status },
                });
                return true;
            });
        }
    }

    /// <summary>Holds the next request for <paramref name="delay"/> before answering it normally.</summary>
    /// <param name="delay">How long.</param>
    public void DelayNext(TimeSpan delay) => cues.Enqueue(async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        return false;
    });

    /// <summary>Answers the next request with <paramref name="json"/> (status 200).</summary>
    /// <param name="json">The body.</param>
    public void AnswerNext(string json) => cues.Enqueue(async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
        return true;
    });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts <paramref name="server"/> answering <c>POST</c> on <paramref name="path"/>.</summary>
    /// <typeparam name="TServer">The fake.</typeparam>
    /// <param name="server">The fake, not yet started.</param>
    /// <param name="path">Its route, e.g. <c>/v1/embeddings</c>.</param>
    /// <returns>The fake, listening.</returns>
    protected static async Task<TServer> StartAsync<TServer>(TServer server, string path)
        where TServer : FakeOpenAiServer<TRequest>
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost(path, server.HandleAsync);
        await app.StartAsync();
        server.app = app;
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Reads a request, to record it.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The request as recorded.</returns>
    protected abstract Task<TRequest> ReadAsync(HttpContext context);

    /// <summary>Answers a request no cue answered.</summary>
    /// <param name="context">The request.</param>
    /// <param name="request">It, as recorded.</param>
    /// <returns>A task.</returns>
    protected abstract Task AnswerAsync(HttpContext context, TRequest request);

    private async Task HandleAsync(HttpContext context)
    {
        var request = await ReadAsync(context);
        requests.Enqueue(request);
        if (cues.TryDequeue(out var cue) && await cue(context))
        {
            return;
        }

        await AnswerAsync(context, request);
    }
}
