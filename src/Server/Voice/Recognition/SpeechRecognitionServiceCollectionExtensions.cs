using Atom.Server.Hosting;
using Atom.Server.Voice.Recognition.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atom.Server.Voice.Recognition;

/// <summary>Registers the <see cref="ISpeechRecognizer"/> that <c>Atom:Voice:Recognition</c> chooses.</summary>
public static class SpeechRecognitionServiceCollectionExtensions
{
    /// <summary>The component's name in the catalog.</summary>
    public const string ComponentName = "speech-to-text";

    /// <summary>
    /// Adds <see cref="ISpeechRecognizer"/> as a singleton: <see cref="PocketSphinxRecognizer"/> for
    /// <c>Atom:Voice:Recognition:Provider=pocketsphinx</c> (the default), <see cref="OpenAiSpeechRecognizer"/> for <c>openai</c>.
    /// Settings that cannot work fail here, at start-up, naming the key. A missing pocketsphinx library or model does not: the
    /// server starts, the catalog reports speech-to-text off with the packages to install, and every call throws
    /// <see cref="RecognitionUnavailableException"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report the provider (or why it is off) in GetServerInfo.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Voice:Recognition</c> cannot work.</exception>
    public static IServiceCollection AddAtomSpeechRecognition(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = configuration.GetSection(SpeechRecognitionOptions.Section).Get<SpeechRecognitionOptions>() ?? new SpeechRecognitionOptions();
        var errors = SpeechRecognitionOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SpeechRecognitionOptions.Section, typeof(SpeechRecognitionOptions), errors);
        }

        if (SpeechRecognitionOptionsValidation.Provider(options) == SpeechRecognitionOptions.OpenAiProvider)
        {
            var openAi = options.OpenAi;
            services.AddSingleton<ISpeechRecognizer>(provider => new OpenAiSpeechRecognizer(options, provider.GetService<ILogger<OpenAiSpeechRecognizer>>()));
            // Where and which model, never the key.
            catalog.Add(new ComponentInfo(ComponentName, OpenAiSpeechRecognizer.ProviderName, true, $"{openAi.BaseUrl} model {openAi.Model}, {options.MaxStreams} streams"));
            return services;
        }

        var problem = PocketSphinxRecognizer.Problem(options.PocketSphinx);
        if (problem is null)
        {
            services.AddSingleton<ISpeechRecognizer>(_ => new PocketSphinxRecognizer(options));
            catalog.Add(new ComponentInfo(ComponentName, PocketSphinxRecognizer.ProviderName, true,
                $"{options.PocketSphinx.ModelDirectory}, {options.MaxStreams} streams, command grammar"));
        }
        else
        {
            services.AddSingleton<ISpeechRecognizer>(new UnavailableSpeechRecognizer(PocketSphinxRecognizer.ProviderName, problem));
            catalog.Add(new ComponentInfo(ComponentName, PocketSphinxRecognizer.ProviderName, false, problem));
        }

        return services;
    }
}
