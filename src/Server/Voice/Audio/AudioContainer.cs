namespace Atom.Server.Voice.Audio;

/// <summary>How audio bytes are packaged: raw samples or one of the container formats Atom decodes.</summary>
public enum AudioContainer
{
    /// <summary>Headerless signed 16-bit little-endian PCM; its rate and channels are declared, 16 kHz mono by default.</summary>
    RawPcm,

    /// <summary>RIFF/WAVE; decoded in managed code when it holds integer or float PCM, by ffmpeg otherwise.</summary>
    Wav,

    /// <summary>MPEG audio layer III.</summary>
    Mp3,

    /// <summary>Ogg (Vorbis, Opus or FLAC inside).</summary>
    Ogg,

    /// <summary>WebM/Matroska (Opus or Vorbis inside), what browsers' MediaRecorder produces.</summary>
    WebM,

    /// <summary>MPEG-4 audio (AAC or ALAC); ffmpeg needs to seek in it, so a stream is buffered to a temporary file first.</summary>
    M4a,

    /// <summary>Native FLAC.</summary>
    Flac,
}
