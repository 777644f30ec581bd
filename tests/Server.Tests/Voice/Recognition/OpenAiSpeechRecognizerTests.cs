using System.Diagnostics;
using Atom.Server.Voice.Recognition;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// The OpenAI-compatible recognizer against <see cref="FakeOpenAiTranscriptionServer"/> (a fake: no Whisper server can run
/// here): the multipart request, only voiced audio sent, segment times in the session's audio, retries that honour
/// Retry-After, failures as RecognitionUnavailableException, and the stream limit.
/// </summary>
public sealed class OpenAiSpeechRecognizerTests : IAsyncLifetime
{
    private FakeOpenAiTranscriptionServer fake = null!;

    public async Task InitializeAsync() => fake = await FakeOpenAiTranscriptionServer.StartAsync();

    public async Task DisposeAsync() => await fake.DisposeAsync();

    [Fact]
    public async Task Sends_the_voiced_audio_as_a_wav_with_model_format_language_prompt_and_key()
    {
        var speech = TestAudio.Librivox()[1].Samples;
        var recognizer = Recognizer(o => o.OpenAi.ApiKey = "sk-test");

        var transcript = await recognizer.TranscribeAsync(
            TestAudio.Concat(TestAudio.Silence(3), speech, TestAudio.Silence(3)),
            new RecognitionOptions { Language = "en", PhraseHints = ["Dashwood", "Norland"] });

        var request = Assert.Single(fake.Requests);
        Assert.Equal("whisper-fake", request.Fields["model"]);
        Assert.Equal("verbose_json", request.Fields["response_format"]);
        Assert.Equal("segment", request.Fields["timestamp_granularities[]"]);
        Assert.Equal("en", request.Fields["language"]);
        Assert.Equal("Dashwood, Norland", request.Fields["prompt"]);
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(request.File, 0, 4));
        // The speech with a little lead-in and tail, not the six seconds of silence around it.
        var sent = (request.File.Length - 44) / 32000.0;
        Assert.InRange(sent, speech.Length / 16000.0 - 0.5, speech.Length / 16000.0 + 1.2);

        var segment = Assert.Single(transcript.Segments);
        Assert.Equal("fake transcript", segment.Text);
        Assert.True(segment.IsFinal);
        Assert.InRange(segment.Start.TotalSeconds, 2.5, 3.5);
        Assert.Equal((segment.Start + TimeSpan.FromSeconds(sent)).TotalSeconds, segment.End.TotalSeconds, 0.002);
        Assert.Equal((float)Math.Exp(-0.25), segment.Confidence!.Value, 3);
    }

    [Fact]
    public async Task Silence_and_clicks_are_never_sent()
    {
        var click = TestAudio.Concat(TestAudio.Silence(2), TestAudio.Scale(TestAudio.ClippingNoise(0.05), 1), TestAudio.Silence(2));

        var transcript = await Recognizer().TranscribeAsync(TestAudio.Concat(TestAudio.Silence(5), click), RecognitionOptions.Dictation);

        Assert.Empty(transcript.Segments);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task A_plain_text_answer_is_one_segment_over_the_utterance()
    {
        fake.AnswerNext("""{"text":"just text"}""");

        var transcript = await Recognizer().TranscribeAsync(TestAudio.Librivox()[4].Samples, RecognitionOptions.Dictation);

        var segment = Assert.Single(transcript.Segments);
        Assert.Equal(("just text", null), (segment.Text, segment.Confidence));
        Assert.True(segment.End > segment.Start + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Throttling_is_retried_after_the_servers_Retry_After()
    {
        fake.FailNext(429, retryAfter: "1");
        fake.FailNext(503);

        var transcript = await Recognizer(o => o.OpenAi.MaxRetries = 2).TranscribeAsync(TestAudio.Librivox()[4].Samples, RecognitionOptions.Dictation);

        Assert.Equal("fake transcript", Assert.Single(transcript.Segments).Text);
        var requests = fake.Requests;
        Assert.Equal(3, requests.Count);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {requests[1].At - requests[0].At}");
    }

    [Fact]
    public async Task A_failing_endpoint_is_RecognitionUnavailable_with_its_status()
    {
        fake.FailNext(500, times: 2);

        var error = await Assert.ThrowsAsync<RecognitionUnavailableException>(() =>
            Recognizer(o => o.OpenAi.MaxRetries = 1).TranscribeAsync(TestAudio.Librivox()[4].Samples, RecognitionOptions.Dictation));

        Assert.Equal(500, error.Status);
        Assert.Contains(fake.BaseUrl, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_session_sends_each_utterance_as_it_ends_and_refuses_a_stream_beyond_capacity()
    {
        var recognizer = Recognizer(o => o.MaxStreams = 1);
        var librivox = TestAudio.Librivox();
        var audio = TestAudio.Concat(librivox[1].Samples, TestAudio.Silence(1.5), librivox[4].Samples);
        var session = await recognizer.StartAsync(new RecognitionOptions { Mode = RecognitionMode.Commands, RoomNames = ["Marketing"] });
        await Assert.ThrowsAsync<RecognizerBusyException>(async () => await recognizer.StartAsync(RecognitionOptions.Dictation));
        fake.Text = "Summarize marketing.";

        var finals = TestAudio.Stream(session, audio).Select(s => s.Segment.Value).ToList();
        // The first utterance went when its pause came; the second is still open.
        await WaitUntil(() => fake.Requests.Count == 1);
        Assert.Single(fake.Requests);
        finals.AddRange(await session.CompleteAsync());

        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(2, finals.Count);
        Assert.All(finals, s => Assert.Equal(new VoiceCommand(VoiceCommandKind.Summarize, "Marketing", null, "summarize marketing"), s.Command));
        Assert.True(finals[0].End < finals[1].Start);
        await session.DisposeAsync();
        await using var next = await recognizer.StartAsync(RecognitionOptions.Dictation);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition() && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
    }

    private OpenAiSpeechRecognizer Recognizer(Action<SpeechRecognitionOptions>? configure = null)
    {
        var options = new SpeechRecognitionOptions
        {
            Provider = SpeechRecognitionOptions.OpenAiProvider,
            OpenAi = new OpenAiTranscriptionOptions { BaseUrl = fake.BaseUrl, Model = "whisper-fake", RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetries = 0 },
        };
        configure?.Invoke(options);
        return new OpenAiSpeechRecognizer(options);
    }
}
