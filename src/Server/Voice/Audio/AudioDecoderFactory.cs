using Atom.Server.Voice.Audio.Internal;

namespace Atom.Server.Voice.Audio;

/// <summary>
/// Makes the <see cref="IAudioDecoder"/> for a declared format: raw PCM and WAV in managed code (no process per live stream),
/// everything else through ffmpeg. Thread-safe; each decoder is for one stream.
/// </summary>
public sealed class AudioDecoderFactory
{
    private readonly AudioOptions options;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The decoding settings.</param>
    /// <param name="ffmpegPath">The full path of ffmpeg; null when it is missing, and only raw PCM and WAV decode.</param>
    /// <param name="unavailableReason">Why ffmpeg is missing and how to fix it, for the errors of compressed formats.</param>
    public AudioDecoderFactory(AudioOptions options, string? ffmpegPath, string? unavailableReason = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        FfmpegPath = ffmpegPath;
        UnavailableReason = unavailableReason ?? $"ffmpeg was not found ({AudioOptions.Section}:FfmpegPath)";
    }

    /// <summary>Gets the full path of ffmpeg, or null when compressed audio cannot be decoded.</summary>
    public string? FfmpegPath { get; }

    /// <summary>Gets the settings.</summary>
    public AudioOptions Options => options;

    internal string UnavailableReason { get; }

    /// <summary>Whether a container can be decoded on this server.</summary>
    /// <param name="container">The container.</param>
    /// <returns>True for raw PCM and WAV always, for the others when ffmpeg is present.</returns>
    public bool CanDecode(AudioContainer container) => container is AudioContainer.RawPcm or AudioContainer.Wav || FfmpegPath is not null;

    /// <summary>Makes a decoder for a stream of the declared format.</summary>
    /// <param name="format">What the client declared.</param>
    /// <returns>The decoder; the caller disposes it.</returns>
    /// <exception cref="AudioFormatException">The declared raw PCM layout is not one Atom takes.</exception>
    /// <exception cref="AudioDecoderUnavailableException">The format needs ffmpeg and there is none.</exception>
    public IAudioDecoder Create(AudioSourceFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.Container switch
        {
            AudioContainer.RawPcm => new RawPcmDecoder(format, options.MaxDuration),
            AudioContainer.Wav => new WavDecoder(format, options.MaxDuration),
            _ => FfmpegDecoder.ForStream(format, options, RequireFfmpeg(format.Container)),
        };
    }

    internal IAudioDecoder CreateForFile(AudioContainer container, string path) =>
        FfmpegDecoder.ForFile(container, path, options, RequireFfmpeg(container));

    private string RequireFfmpeg(AudioContainer container) => FfmpegPath
        ?? throw new AudioDecoderUnavailableException($"{AudioSniffer.Name(container)} audio cannot be decoded on this server: {UnavailableReason}.");
}
