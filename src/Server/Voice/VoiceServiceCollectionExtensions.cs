using Atom.Server.Hosting;
using Atom.Server.Rpc;
using Atom.Server.Voice.Api;
using Atom.Server.Voice.Api.Internal;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Profiles;
using Atom.Server.Voice.Recognition;
using Atom.Server.Voice.Synthesis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Voice;

/// <summary>Registers voice: audio decoding, speech-to-text, text-to-speech, voice profiles and VoiceService.</summary>
public static class VoiceServiceCollectionExtensions
{
    /// <summary>Adds voice. Each engine that cannot run here (no pocketsphinx, espeak-ng or ffmpeg) is off, and the catalog says so.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration; <c>Atom:Voice</c> is read.</param>
    /// <param name="catalog">The component catalog.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAtomVoice(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog)
    {
        services.Configure<VoiceApiOptions>(configuration.GetSection(VoiceApiOptions.Section));
        services.AddAtomAudio(configuration, catalog);
        services.AddAtomSpeechRecognition(configuration, catalog);
        services.AddAtomSpeechSynthesis(configuration, catalog);
        services.AddSingleton<VoiceProfileStore>();
        services.AddSingleton<LiveTranscriptions>();
        services.AddAtomService<VoiceApi>();
        return services;
    }
}
