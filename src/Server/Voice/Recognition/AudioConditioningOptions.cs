namespace Atom.Server.Voice.Recognition;

/// <summary>
/// What happens to audio before recognition (<c>Atom:Voice:Recognition:Conditioning</c>): a slow automatic gain toward
/// <see cref="TargetLevel"/>, measured on voiced audio only and capped at <see cref="MaxGain"/>; a noise gate that attenuates
/// what is below <see cref="NoiseGate"/> or close to the tracked noise floor; and energy-based voice activity detection that
/// skips long silence (pocketsphinx) or keeps it from being sent at all (an endpoint).
/// </summary>
public sealed class AudioConditioningOptions
{
    /// <summary>Gets or sets whether gain and gate change the audio; voice activity detection runs either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the speech level the gain aims for, in dBFS (RMS of voiced 10 ms blocks).</summary>
    public double TargetLevel { get; set; } = -20;

    /// <summary>Gets or sets the most the gain may amplify, in dB; it never attenuates by more than the same amount either.</summary>
    public double MaxGain { get; set; } = 18;

    /// <summary>Gets or sets the level below which audio is never speech, in dBFS.</summary>
    public double NoiseGate { get; set; } = -55;

    /// <summary>Gets or sets how much the gate lowers what is not speech, in dB.</summary>
    public double GateAttenuation { get; set; } = 20;

    /// <summary>Gets or sets how much silence passes before the rest of it is skipped (never fed to pocketsphinx, never sent to an endpoint).</summary>
    public TimeSpan SkipSilenceAfter { get; set; } = TimeSpan.FromSeconds(1);
}
