namespace Atom.Server.Voice.Audio;

/// <summary>What a client declares its audio to be.</summary>
/// <param name="Container">The packaging.</param>
/// <param name="SampleRate">
/// The sample rate of <see cref="AudioContainer.RawPcm"/>, resampled to 16 kHz when it differs. Containers carry their own
/// rate, which wins: a WAV declared at 16 kHz whose header says 44.1 kHz is resampled, not refused, since the header cannot be
/// misread while a declaration can be a client's default.
/// </param>
/// <param name="Channels">The channel count of <see cref="AudioContainer.RawPcm"/> (interleaved), mixed down to mono.</param>
public sealed record AudioSourceFormat(AudioContainer Container, int SampleRate = AudioSourceFormat.TargetSampleRate, int Channels = 1)
{
    /// <summary>The rate every decoder produces, and the speech recognisers take.</summary>
    public const int TargetSampleRate = 16_000;

    /// <summary>Gets 16 kHz mono raw PCM, the format that needs no conversion.</summary>
    public static AudioSourceFormat Pcm16kMono { get; } = new(AudioContainer.RawPcm);
}
