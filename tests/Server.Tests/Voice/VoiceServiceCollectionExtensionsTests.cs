using Atom.Server.Hosting;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Synthesis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Tests.Voice;

public sealed class VoiceServiceCollectionExtensionsTests
{
    [Fact]
    public void Audio_with_ffmpeg_installed_is_on()
    {
        var catalog = new ComponentCatalog();
        using var provider = new ServiceCollection().AddAtomAudio(Config(), catalog).BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<AudioDecoderFactory>().FfmpegPath);
        Assert.NotNull(provider.GetRequiredService<AudioFileDecoder>());
        Assert.True(Assert.Single(catalog.Components).Enabled);
    }

    [Fact]
    public void Audio_without_ffmpeg_starts_with_compressed_formats_off_and_says_why()
    {
        var catalog = new ComponentCatalog();
        using var provider = new ServiceCollection()
            .AddAtomAudio(Config(("Atom:Voice:Audio:FfmpegPath", "/nonexistent/ffmpeg")), catalog).BuildServiceProvider();
        var component = Assert.Single(catalog.Components);
        Assert.False(component.Enabled);
        Assert.Contains("Atom:Voice:Audio:FfmpegPath", component.Detail);
        var factory = provider.GetRequiredService<AudioDecoderFactory>();
        Assert.Throws<AudioDecoderUnavailableException>(() => factory.Create(new AudioSourceFormat(AudioContainer.Mp3)));
        Assert.True(factory.CanDecode(AudioContainer.Wav));
    }

    [Fact]
    public void Bad_settings_fail_at_start_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddAtomAudio(Config(("Atom:Voice:Audio:MaxDuration", "00:00:00")), new ComponentCatalog()));
        Assert.Contains("Atom:Voice:Audio:MaxDuration", error.Message);
        error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddAtomSpeechSynthesis(
            Config(("Atom:Voice:Synthesis:Provider", "openai")), new ComponentCatalog()));
        Assert.Contains("Atom:Voice:Synthesis:OpenAi:BaseUrl", error.Message);
    }

    [Fact]
    public async Task Synthesis_defaults_to_espeak()
    {
        var catalog = new ComponentCatalog();
        await using var provider = new ServiceCollection().AddAtomSpeechSynthesis(Config(), catalog).BuildServiceProvider();
        Assert.IsType<EspeakSpeechSynthesizer>(provider.GetRequiredService<ISpeechSynthesizer>());
        var component = Assert.Single(catalog.Components);
        Assert.True(component.Enabled);
        Assert.Equal("espeak-ng", component.Provider);
        Assert.Contains("MP3", component.Detail);
    }

    [Fact]
    public void Synthesis_through_an_endpoint_is_reported_without_its_key()
    {
        var catalog = new ComponentCatalog();
        using var provider = new ServiceCollection().AddAtomSpeechSynthesis(Config(
            ("Atom:Voice:Synthesis:Provider", "openai"),
            ("Atom:Voice:Synthesis:OpenAi:BaseUrl", "http://127.0.0.1:9/v1"),
            ("Atom:Voice:Synthesis:OpenAi:ApiKey", "sk-secret")), catalog).BuildServiceProvider();
        Assert.IsType<OpenAiSpeechSynthesizer>(provider.GetRequiredService<ISpeechSynthesizer>());
        Assert.DoesNotContain("sk-secret", Assert.Single(catalog.Components).Detail);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
