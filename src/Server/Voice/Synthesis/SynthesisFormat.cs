namespace Atom.Server.Voice.Synthesis;

/// <summary>The encoding of synthesized speech.</summary>
public enum SynthesisFormat
{
    /// <summary>
    /// RIFF/WAVE, mono 16-bit PCM. Streamed: the header goes first with its sizes set to 0xFFFFFFFF ("until the end"), as
    /// OpenAI's streaming WAV does; ffmpeg, browsers and Python's <c>wave</c> read it.
    /// </summary>
    Wav,

    /// <summary>Headerless mono signed 16-bit little-endian PCM at the request's sample rate.</summary>
    Pcm,

    /// <summary>MP3 (libmp3lame through ffmpeg, or the endpoint's own).</summary>
    Mp3,

    /// <summary>Opus in Ogg (libopus through ffmpeg, or the endpoint's own).</summary>
    OggOpus,
}
