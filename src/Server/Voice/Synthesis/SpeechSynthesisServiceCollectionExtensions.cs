using Atom.Server.Hosting;
using Atom.Server.Voice.Audio.Internal;
using Atom.Server.Voice.Synthesis.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Voice.Synthesis;

/// <summary>Registers the <see cref="ISpeechSynthesizer"/> that <c>Atom:Voice:Synthesis</c> chooses.</summary>
public static class SpeechSynthesisServiceCollectionExtensions
{
    /// <summary>The component's name in the catalog.</summary>
    public const string ComponentName = "voice.synthesis";

    /// <summary>
    /// Adds <see cref="ISpeechSynthesizer"/> as a singleton: <see cref="EspeakSpeechSynthesizer"/> for
    /// <c>Atom:Voice:Synthesis:Provider=espeak</c> (the default), <see cref="OpenAiSpeechSynthesizer"/> for <c>openai</c>.
    /// Settings that cannot work fail here, naming the key. A missing espeak-ng library does not: the server starts, the
    /// catalog reports synthesis off with the fix, and every call throws <see cref="SpeechSynthesisUnavailableException"/>.
    /// A missing ffmpeg only turns MP3 and Ogg/Opus output off, and the catalog says so.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the provider (or why it is off) in GetServerInfo.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Voice:Synthesis</c> cannot work.</exception>
    public static IServiceCollection AddAtomSpeechSynthesis(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = configuration.GetSection(SpeechSynthesisOptions.Section).Get<SpeechSynthesisOptions>() ?? new SpeechSynthesisOptions();
        var errors = SpeechSynthesisOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SpeechSynthesisOptions.Section, typeof(SpeechSynthesisOptions), errors);
        }

        services.AddSingleton(options);
        var ffmpeg = ExecutableLocator.Find(options.FfmpegPath);
        var formats = ffmpeg is null
            ? $"WAV and PCM only: ffmpeg not found as '{options.FfmpegPath}' (install ffmpeg or set {SpeechSynthesisOptions.Section}:FfmpegPath) for MP3 and Ogg/Opus"
            : "WAV, PCM, MP3, Ogg/Opus";
        if (SpeechSynthesisOptionsValidation.Provider(options) == SpeechSynthesisOptions.OpenAiProvider)
        {
            services.AddSingleton<ISpeechSynthesizer>(new OpenAiSpeechSynthesizer(options, ffmpeg));
            // Where and which model, never the key.
            catalog.Add(new ComponentInfo(ComponentName, OpenAiSpeechSynthesizer.Name, true, $"{options.OpenAi.BaseUrl} model {options.OpenAi.Model}; {formats}"));
            return services;
        }

        if (EspeakEngine.Probe() is { } problem)
        {
            services.AddSingleton<ISpeechSynthesizer>(new UnavailableSpeechSynthesizer(EspeakSpeechSynthesizer.Name, problem));
            catalog.Add(new ComponentInfo(ComponentName, EspeakSpeechSynthesizer.Name, false, $"{problem}; speech synthesis is off until then"));
            return services;
        }

        services.AddSingleton<ISpeechSynthesizer>(_ => new EspeakSpeechSynthesizer(options, ffmpeg));
        catalog.Add(new ComponentInfo(ComponentName, EspeakSpeechSynthesizer.Name, true,
            $"{EspeakNative.Library}, default voice {options.Espeak.DefaultVoice}; {formats}; at most {options.MaxTextLength} characters per request"));
        return services;
    }
}
