using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Atom.Server.Search.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Search.Embeddings;

/// <summary>
/// The OpenAI-compatible client against <see cref="FakeOpenAiEmbeddingsServer"/> (a fake: no real endpoint can run here):
/// the request OpenAI expects, batching, retries that honour Retry-After, and every failure as EmbeddingsUnavailableException.
/// </summary>
public sealed class OpenAiEmbeddingGeneratorTests : IAsyncLifetime
{
    private FakeOpenAiEmbeddingsServer fake = null!;

    public async Task InitializeAsync() => fake = await FakeOpenAiEmbeddingsServer.StartAsync();

    public async Task DisposeAsync() => await fake.DisposeAsync();

    [Fact]
    public async Task Sends_model_inputs_dimensions_and_key_as_OpenAI_expects()
    {
        using var generator = Generator(o => (o.ApiKey, o.Dimensions) = ("sk-test", 12));

        var embeddings = await generator.GenerateAsync(["hello", "world"]);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("text-embedding-fake", request.Body["model"]!.GetValue<string>());
        Assert.Equal(["hello", "world"], request.Inputs);
        Assert.Equal(12, request.Body["dimensions"]!.GetValue<int>());
        Assert.Equal("base64", request.Body["encoding_format"]!.GetValue<string>());
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.Equal(FakeOpenAiEmbeddingsServer.VectorFor("hello", 12), embeddings[0].Vector.ToArray());
        Assert.Equal(FakeOpenAiEmbeddingsServer.VectorFor("world", 12), embeddings[1].Vector.ToArray());
        Assert.Equal("text-embedding-fake", embeddings[0].ModelId);
        Assert.Equal(2, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Without_a_key_no_authorization_is_sent_and_without_dimensions_none_are_asked_for()
    {
        using var generator = Generator();

        var embeddings = await generator.GenerateAsync(["hello"]);

        var request = Assert.Single(fake.Requests);
        Assert.Empty(request.Authorization);
        Assert.False(request.Body.ContainsKey("dimensions"));
        Assert.Equal(FakeOpenAiEmbeddingsServer.DefaultDimensions, embeddings[0].Dimensions);
    }

    [Fact]
    public async Task Float_array_answers_from_servers_that_ignore_base64_are_read_too()
    {
        fake.AlwaysFloats = true;
        using var generator = Generator();

        var embeddings = await generator.GenerateAsync(["floats"]);

        Assert.Equal(FakeOpenAiEmbeddingsServer.VectorFor("floats", FakeOpenAiEmbeddingsServer.DefaultDimensions), embeddings[0].Vector.ToArray());
    }

    [Fact]
    public async Task Inputs_go_in_batches_and_come_back_in_order()
    {
        using var generator = Generator(o => o.BatchSize = 2);
        string[] texts = ["a1", "b22", "c333", "d4444", "e55555"];

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal([["a1", "b22"], ["c333", "d4444"], ["e55555"]], fake.Requests.Select(r => r.Inputs));
        Assert.Equal(texts.Select(t => (float)t.Length), embeddings.Select(e => e.Vector.Span[0]));
        Assert.Equal(5, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Blank_texts_are_not_sent_and_get_the_zero_vector()
    {
        using var generator = Generator(o => o.BatchSize = 2);

        var embeddings = await generator.GenerateAsync(["", "one", " \n", "two", "three"]);
        var onlyBlank = await generator.GenerateAsync(["", "   "]);

        Assert.Equal([["one", "two"], ["three"]], fake.Requests.Select(r => r.Inputs));
        Assert.Equal([true, false, true, false, false], embeddings.Select(e => e.IsZero()));
        Assert.All(embeddings, e => Assert.Equal(FakeOpenAiEmbeddingsServer.DefaultDimensions, e.Dimensions));
        // Nothing to send: the length seen last time, without a request.
        Assert.Equal(2, fake.Requests.Count);
        Assert.All(onlyBlank, e => Assert.True(e.IsZero() && e.Dimensions == FakeOpenAiEmbeddingsServer.DefaultDimensions));
    }

    [Fact]
    public async Task A_429_is_retried_after_the_Retry_After_the_server_asked_for()
    {
        fake.FailNext(429, retryAfter: "1", message: "rate limited");
        using var generator = Generator(o => o.RetryDelay = TimeSpan.FromMilliseconds(10));

        var embeddings = await generator.GenerateAsync(["patience"]);

        var requests = fake.Requests;
        Assert.Equal(2, requests.Count);
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
        Assert.Equal(FakeOpenAiEmbeddingsServer.VectorFor("patience", FakeOpenAiEmbeddingsServer.DefaultDimensions), embeddings[0].Vector.ToArray());
    }

    [Fact]
    public async Task A_Retry_After_longer_than_MaxRetryDelay_is_cut_to_it()
    {
        fake.FailNext(429, retryAfter: "120");
        using var generator = Generator(o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200)));
        var watch = Stopwatch.StartNew();

        await generator.GenerateAsync(["soon"]);

        Assert.Equal(2, fake.Requests.Count);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_one_succeeds()
    {
        fake.FailNext(503, times: 2);
        using var generator = Generator(o => o.RetryDelay = TimeSpan.FromMilliseconds(20));

        await generator.GenerateAsync(["again"]);

        Assert.Equal(3, fake.Requests.Count);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Retriable_errors_past_MaxRetries_surface_as_unavailable_with_the_status(int status)
    {
        fake.FailNext(status, times: 10, message: "still down");
        using var generator = Generator(o => (o.MaxRetries, o.RetryDelay) = (2, TimeSpan.FromMilliseconds(10)));

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal(3, fake.Requests.Count);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains($"{fake.BaseUrl} (model text-embedding-fake) answered HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains("still down", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task Errors_that_retrying_cannot_change_fail_at_once(int status)
    {
        fake.FailNext(status, message: "no such model");
        using var generator = Generator(o => o.RetryDelay = TimeSpan.FromMilliseconds(10));

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["x"]));

        Assert.Single(fake.Requests);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains("no such model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_unavailable_without_a_status()
    {
        using var generator = Generator(o => (o.BaseUrl, o.MaxRetries) = ($"http://127.0.0.1:{ClosedPort()}/v1", 1));

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["x"]));

        Assert.Null(error.StatusCode);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_slower_than_Timeout_is_unavailable_but_the_caller_s_cancellation_stays_a_cancellation()
    {
        fake.DelayNext(TimeSpan.FromSeconds(5));
        using var generator = Generator(o => (o.Timeout, o.MaxRetries) = (TimeSpan.FromMilliseconds(300), 0));

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["slow"]));
        Assert.Null(error.StatusCode);

        fake.DelayNext(TimeSpan.FromSeconds(5));
        using var patient = Generator(o => o.MaxRetries = 0);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GenerateAsync(["slow"], cancellationToken: cancellation.Token));
    }

    [Theory]
    [InlineData("""{"object":"list","data":[],"model":"m"}""", "0 embeddings for 1 inputs")]
    [InlineData("""<html>proxy error</html>""", "not an embeddings response")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":"%%%"}],"model":"m"}""", "not an embeddings response")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":{"a":1}}],"model":"m"}""", "not an embeddings response")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":3,"embedding":[1,2]}],"model":"m"}""", "index 3")]
    [InlineData("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,2,3]}],"model":"m"}""", "3 dimensions where 4 were asked for")]
    public async Task A_malformed_answer_is_unavailable_saying_what_was_wrong(string answer, string what)
    {
        fake.AnswerNext(answer);
        using var generator = Generator(o => o.Dimensions = 4);

        var error = await Assert.ThrowsAsync<EmbeddingsUnavailableException>(() => generator.GenerateAsync(["x"]));

        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_names_the_endpoint_model_and_dimensions_and_a_request_may_name_another_model()
    {
        using var generator = Generator(o => o.Dimensions = 16);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;
        var embeddings = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "other-model", Dimensions = 4 });

        Assert.Equal((OpenAiEmbeddingGenerator.ProviderName, "text-embedding-fake", 16), (metadata.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions));
        Assert.Equal(new Uri(fake.BaseUrl), metadata.ProviderUri);
        Assert.Equal("other-model", fake.Requests[0].Body["model"]!.GetValue<string>());
        Assert.Equal((4, "other-model"), (embeddings[0].Dimensions, embeddings[0].ModelId));
    }

    [Theory]
    [InlineData(null, "m", "BaseUrl is empty")]
    [InlineData("ftp://host/v1", "m", "not an http or https URL")]
    [InlineData("http://host/v1", " ", "Model is empty")]
    public void Settings_that_cannot_work_are_refused_naming_the_key(string? baseUrl, string model, string why)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new OpenAiEmbeddingGenerator(new OpenAiEmbeddingOptions { BaseUrl = baseUrl, Model = model }));

        Assert.Contains("Atom:Embeddings:OpenAi:", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    private OpenAiEmbeddingGenerator Generator(Action<OpenAiEmbeddingOptions>? configure = null)
    {
        var options = new OpenAiEmbeddingOptions { BaseUrl = fake.BaseUrl, Model = "text-embedding-fake", Timeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return new OpenAiEmbeddingGenerator(options);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
