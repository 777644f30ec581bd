using Atom.Server.Hosting;
using Atom.Server.Voice.Audio.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atom.Server.Voice.Audio;

/// <summary>Registers audio decoding from <c>Atom:Voice:Audio</c>.</summary>
public static class AudioServiceCollectionExtensions
{
    /// <summary>The component's name in the catalog.</summary>
    public const string ComponentName = "voice.audio";

    /// <summary>
    /// Adds <see cref="AudioOptions"/>, <see cref="AudioDecoderFactory"/> and <see cref="AudioFileDecoder"/> as singletons.
    /// Settings that cannot work fail here, naming the key. A missing ffmpeg does not: the server starts, the catalog reports
    /// compressed audio off with the fix, raw PCM and PCM WAV still decode, and the other formats throw
    /// <see cref="AudioDecoderUnavailableException"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="catalog">The component catalog, to report ffmpeg (or its absence) in GetServerInfo.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A setting under <c>Atom:Voice:Audio</c> cannot work.</exception>
    public static IServiceCollection AddAtomAudio(this IServiceCollection services, IConfiguration configuration, ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = configuration.GetSection(AudioOptions.Section).Get<AudioOptions>() ?? new AudioOptions();
        var errors = AudioOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AudioOptions.Section, typeof(AudioOptions), errors);
        }

        var ffmpeg = ExecutableLocator.Find(options.FfmpegPath);
        string? problem = null;
        if (ffmpeg is null)
        {
            problem = $"ffmpeg not found as '{options.FfmpegPath}': install it (apt-get install ffmpeg; ./build.sh does) or set {AudioOptions.Section}:FfmpegPath";
            catalog.Add(new ComponentInfo(ComponentName, "ffmpeg", false, $"{problem}; only raw PCM and PCM WAV decode until then"));
        }
        else
        {
            catalog.Add(new ComponentInfo(ComponentName, "ffmpeg", true,
                $"{ffmpeg} for MP3, M4A, Ogg, FLAC, WebM; raw PCM and WAV in managed code; at most {options.MaxDuration} per recording"));
        }

        services.AddSingleton(options);
        services.AddSingleton(new AudioDecoderFactory(options, ffmpeg, problem));
        services.AddSingleton<AudioFileDecoder>();
        return services;
    }
}
