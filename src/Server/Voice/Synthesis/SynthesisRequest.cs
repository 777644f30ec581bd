namespace Atom.Server.Voice.Synthesis;

/// <summary>What to say and how.</summary>
/// <remarks>
/// <see cref="Speed"/> and <see cref="Pitch"/> are factors around the voice's own (1.0), from 0.5 to 2.0, rather than words per
/// minute or espeak's 0–100 scale: a factor means the same on every provider (OpenAI's <c>speed</c> is one) and every voice.
/// </remarks>
public sealed record SynthesisRequest
{
    /// <summary>The lowest <see cref="Speed"/> and <see cref="Pitch"/>.</summary>
    public const double MinFactor = 0.5;

    /// <summary>The highest <see cref="Speed"/> and <see cref="Pitch"/>.</summary>
    public const double MaxFactor = 2.0;

    /// <summary>The sample rate when none is asked for: OpenAI's PCM rate, and one Opus and MP3 both take.</summary>
    public const int DefaultSampleRate = 24_000;

    /// <summary>Gets the text to speak, plain: markup is removed, not interpreted.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the voice: an espeak-ng language or voice name (<c>en-us</c>, <c>de</c>, <c>en-us+f3</c>) or an endpoint's voice (<c>alloy</c>); null for the configured default.</summary>
    public string? Voice { get; init; }

    /// <summary>Gets the speaking rate as a factor of the voice's normal rate (espeak: 175 words per minute), 0.5 to 2.0.</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>Gets the pitch as a factor of the voice's normal pitch, 0.5 to 2.0; OpenAI-compatible endpoints have none and ignore it.</summary>
    public double Pitch { get; init; } = 1.0;

    /// <summary>Gets the encoding.</summary>
    public SynthesisFormat Format { get; init; } = SynthesisFormat.Wav;

    /// <summary>
    /// Gets the sample rate of the output; null for <see cref="DefaultSampleRate"/>. Opus takes 8, 12, 16, 24 or 48 kHz; MP3 the
    /// MPEG rates from 8 to 48 kHz; PCM and WAV anything from 8 to 48 kHz.
    /// </summary>
    public int? SampleRate { get; init; }

    /// <summary>Gets the sample rate the output will have.</summary>
    public int OutputSampleRate => SampleRate ?? DefaultSampleRate;

    /// <summary>Gets the media type of the output, for an HTTP response or a stored file.</summary>
    public string ContentType => Format switch
    {
        SynthesisFormat.Wav => "audio/wav",
        SynthesisFormat.Pcm => $"audio/L16;rate={OutputSampleRate};channels=1",
        SynthesisFormat.Mp3 => "audio/mpeg",
        _ => "audio/ogg; codecs=opus",
    };
}
