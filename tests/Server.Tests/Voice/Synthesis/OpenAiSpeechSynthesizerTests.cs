using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Synthesis;

namespace Atom.Server.Tests.Voice.Synthesis;

public sealed class OpenAiSpeechSynthesizerTests : IAsyncLifetime
{
    private FakeOpenAiSpeechServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiSpeechServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Wav_is_asked_for_as_pcm_and_resampled_to_the_requested_rate()
    {
        using var synthesizer = Create();
        var wav = await Bytes(synthesizer, new SynthesisRequest { Text = "0123456789", Voice = "nova", Speed = 1.5, SampleRate = 16000 });
        var request = Assert.Single(server.Requests);
        Assert.Equal("pcm", request.GetProperty("response_format").GetString());
        Assert.Equal("nova", request.GetProperty("voice").GetString());
        Assert.Equal("tts-1", request.GetProperty("model").GetString());
        Assert.Equal(1.5, request.GetProperty("speed").GetDouble());
        var samples = await AudioFixtures.DecodeAsync(new AudioDecoderFactory(new AudioOptions(), null).Create(new AudioSourceFormat(AudioContainer.Wav)), wav);
        Assert.InRange(samples.Length, 15990, 16010);
        Assert.InRange(AudioFixtures.Amplitude(samples.AsSpan(1000, 14000), 440), 0.48, 0.52);
    }

    [Theory]
    [InlineData(SynthesisFormat.Mp3, "FAKE-mp3")]
    [InlineData(SynthesisFormat.OggOpus, "FAKE-opus")]
    public async Task Compressed_formats_without_a_rate_pass_through(SynthesisFormat format, string expected)
    {
        using var synthesizer = Create();
        var bytes = await Bytes(synthesizer, new SynthesisRequest { Text = "hi", Format = format });
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_honouring_retry_after()
    {
        server.FailNext(429, retryAfter: "0");
        server.FailNext(503);
        using var synthesizer = Create();
        var pcm = await Bytes(synthesizer, new SynthesisRequest { Text = "abc", Format = SynthesisFormat.Pcm });
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(14400, pcm.Length);
    }

    [Fact]
    public async Task Failures_past_the_retries_say_the_status_and_the_servers_message()
    {
        server.FailNext(500, times: 3);
        using var synthesizer = Create(maxRetries: 2);
        var error = await Assert.ThrowsAsync<SpeechSynthesisUnavailableException>(() => Bytes(synthesizer, new SynthesisRequest { Text = "abc" }));
        Assert.Equal(500, error.StatusCode);
        Assert.EndsWith("answered HTTP 500 after 3 tries: fake failure 500", error.Message);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        server.FailNext(400);
        using var synthesizer = Create();
        var error = await Assert.ThrowsAsync<SpeechSynthesisUnavailableException>(() => Bytes(synthesizer, new SynthesisRequest { Text = "abc" }));
        Assert.Equal(400, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_stalled_endpoint_times_out()
    {
        server.Stall = TimeSpan.FromSeconds(5);
        using var synthesizer = Create(maxRetries: 0, timeout: TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<SpeechSynthesisUnavailableException>(() => Bytes(synthesizer, new SynthesisRequest { Text = "abc" }));
        Assert.Contains("did not answer", error.Message);
    }

    [Fact]
    public async Task Unlisted_voices_and_empty_text_are_refused_before_any_request()
    {
        using var synthesizer = Create();
        var error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Bytes(synthesizer, new SynthesisRequest { Text = "hi", Voice = "en-us" }));
        Assert.Equal("voice", error.Field);
        error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Bytes(synthesizer, new SynthesisRequest { Text = "<p></p>" }));
        Assert.Equal("text", error.Field);
        Assert.Empty(server.Requests);
    }

    private OpenAiSpeechSynthesizer Create(int maxRetries = 3, TimeSpan? timeout = null) => new(new SpeechSynthesisOptions
    {
        Provider = SpeechSynthesisOptions.OpenAiProvider,
        OpenAi = new OpenAiSpeechOptions
        {
            BaseUrl = server.BaseUrl,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        },
    }, "ffmpeg");

    private static async Task<byte[]> Bytes(OpenAiSpeechSynthesizer synthesizer, SynthesisRequest request)
    {
        var bytes = new List<byte>();
        await foreach (var chunk in synthesizer.SynthesizeAsync(request))
        {
            bytes.AddRange(chunk.Data.ToArray());
        }

        return [.. bytes];
    }
}
