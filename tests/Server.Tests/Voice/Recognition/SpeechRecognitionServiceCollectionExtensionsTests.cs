using Atom.Server.Hosting;
using Atom.Server.Voice.Recognition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Voice.Recognition;

/// <summary>
/// Choosing speech-to-text from <c>Atom:Voice:Recognition</c>: pocketsphinx by default, an OpenAI-compatible endpoint when
/// configured; a missing model turns recognition off without stopping the server; wrong settings stop it.
/// </summary>
public sealed class SpeechRecognitionServiceCollectionExtensionsTests
{
    private readonly ComponentCatalog catalog = new();

    [Fact]
    public async Task By_default_pocketsphinx_runs_with_one_stream_a_core()
    {
        using var services = Resolve(out var recognizer);

        Assert.IsType<PocketSphinxRecognizer>(recognizer);
        Assert.Equal(Environment.ProcessorCount, recognizer.MaxStreams);
        var component = Assert.Single(catalog.Components);
        Assert.Equal(("speech-to-text", "pocketsphinx", true), (component.Name, component.Provider, component.Enabled));
        await using var session = await recognizer.StartAsync(RecognitionOptions.Dictation);
    }

    [Fact]
    public async Task Without_the_model_the_server_starts_with_recognition_off_saying_what_to_install()
    {
        using var services = Resolve(out var recognizer, ("PocketSphinx:ModelDirectory", "/nonexistent/en-us"));

        var error = await Assert.ThrowsAsync<RecognitionUnavailableException>(async () => await recognizer.StartAsync(RecognitionOptions.Dictation));

        var component = Assert.Single(catalog.Components);
        Assert.False(component.Enabled);
        Assert.Contains("pocketsphinx-en-us", component.Detail, StringComparison.Ordinal);
        Assert.Equal(component.Detail, error.Message);
        await Assert.ThrowsAsync<RecognitionUnavailableException>(() => recognizer.TranscribeAsync(new short[16000], RecognitionOptions.Dictation));
    }

    [Fact]
    public void An_endpoint_is_used_when_configured_and_its_key_never_shown()
    {
        using var services = Resolve(out var recognizer,
            ("Provider", "OpenAI"), ("MaxStreams", "8"), ("OpenAi:BaseUrl", "http://127.0.0.1:9/v1"), ("OpenAi:ApiKey", "sk-secret"));

        Assert.IsType<OpenAiSpeechRecognizer>(recognizer);
        Assert.Equal(8, recognizer.MaxStreams);
        var component = Assert.Single(catalog.Components);
        Assert.Equal(("openai", true, "http://127.0.0.1:9/v1 model whisper-1, 8 streams"), (component.Provider, component.Enabled, component.Detail));
    }

    [Theory]
    [InlineData("Provider", "vosk", "Provider 'vosk' is not supported")]
    [InlineData("MaxStreams", "0", "MaxStreams must be between 1 and 1024")]
    [InlineData("EndOfSpeech", "00:00:00.010", "EndOfSpeech must be between")]
    [InlineData("Conditioning:NoiseGate", "-10", "NoiseGate < TargetLevel")]
    public void Settings_that_cannot_work_stop_the_server_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(out _, (key, value)));

        Assert.Contains("Atom:Voice:Recognition:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_without_a_url_stops_the_server()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(out _, ("Provider", "openai")));

        Assert.Contains("Atom:Voice:Recognition:OpenAi:BaseUrl is empty", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Resolve(out ISpeechRecognizer recognizer, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(SpeechRecognitionOptions.Section + ":" + s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection().AddAtomSpeechRecognition(configuration, catalog).BuildServiceProvider();
        recognizer = services.GetRequiredService<ISpeechRecognizer>();
        return services;
    }
}
