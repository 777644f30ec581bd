using Atom.Cli.Arguments;
using Atom.V1;

namespace Atom.Cli.Voice;

/// <summary>The audio formats <c>atom say</c> asks for, as the command line spells them: wav, pcm, mp3, ogg.</summary>
internal static class SpeechFormat
{
    private static readonly EnumNames<AudioEncoding> Names = new(e => e switch
    {
        AudioEncoding.Linear16 => "pcm",
        _ => e.ToString().ToLowerInvariant(),
    });

    /// <summary>Gets the names Synthesize takes.</summary>
    public static string Choices => "wav|pcm|mp3|ogg";

    /// <summary>Gets the encoding a name stands for.</summary>
    /// <param name="name">The name, in any case.</param>
    /// <param name="encoding">The encoding, when it is one Synthesize returns.</param>
    /// <returns>True when it is.</returns>
    public static bool TryParse(string name, out AudioEncoding encoding) =>
        Names.TryParse(name, out encoding) && encoding is AudioEncoding.Wav or AudioEncoding.Linear16 or AudioEncoding.Mp3 or AudioEncoding.Ogg;

    /// <summary>Gets the format a file name asks for when --format does not say: <c>x.mp3</c> is MP3; anything else WAV.</summary>
    /// <param name="path">Where the audio goes, or <c>-</c>.</param>
    /// <returns>The encoding.</returns>
    public static AudioEncoding ForPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mp3" => AudioEncoding.Mp3,
        ".ogg" or ".opus" => AudioEncoding.Ogg,
        ".pcm" or ".raw" => AudioEncoding.Linear16,
        _ => AudioEncoding.Wav,
    };
}
