namespace Atom.Server.Voice.Audio;

/// <summary>
/// Audio that cannot be decoded as given: not the declared format (raw PCM that is really a WAV or an MP3), a corrupt or
/// truncated container, a WAV codec live streams do not take, a buffer limit passed. <see cref="Exception.Message"/> says
/// which, in words fit for the client (ffmpeg's own message, trimmed, where ffmpeg found it). Retrying cannot help.
/// </summary>
public sealed class AudioFormatException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public AudioFormatException()
        : this("The audio cannot be decoded.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is wrong with the audio.</param>
    public AudioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is wrong with the audio.</param>
    /// <param name="innerException">The failure that revealed it.</param>
    public AudioFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value indicating whether the audio is readable but not what was declared (another container).</summary>
    public bool IsMismatch { get; init; }
}

/// <summary>
/// Compressed audio arrived but this server has no ffmpeg (the catalog says so at start-up); WAV and raw PCM still decode.
/// </summary>
public sealed class AudioDecoderUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public AudioDecoderUnavailableException()
        : this("Compressed audio cannot be decoded on this server.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    public AudioDecoderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public AudioDecoderUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
