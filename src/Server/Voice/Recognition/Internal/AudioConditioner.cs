namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// Level normalization and a noise gate on 16 kHz samples, 10 ms at a time, with the <see cref="VoiceActivityDetector"/> they share.
/// The gain follows the level of voiced blocks only (fast when speech gets louder, slow when it gets quieter, so a pause never
/// pumps the noise up), is capped at ±<see cref="AudioConditioningOptions.MaxGain"/> and ramps across each block so it never clicks.
/// Unvoiced blocks are lowered by the gate. pocketsphinx normalizes cepstra itself, so the gain mostly serves its voice activity
/// detector and an endpoint's; quiet microphones are what it is for.
/// </summary>
internal sealed class AudioConditioner
{
    private const double Attack = 0.3;
    private const double Release = 0.02;

    private readonly bool enabled;
    private readonly double target;
    private readonly double maxGain;
    private readonly double gateGain;
    private double level;
    private double gain = 1;

    public AudioConditioner(AudioConditioningOptions options)
    {
        enabled = options.Enabled;
        target = VoiceActivityDetector.Amplitude(options.TargetLevel);
        maxGain = Math.Pow(10, options.MaxGain / 20);
        gateGain = Math.Pow(10, -options.GateAttenuation / 20);
        level = target;
        Activity = new VoiceActivityDetector(options.NoiseGate);
    }

    /// <summary>Gets the voice activity of what was processed last.</summary>
    public VoiceActivityDetector Activity { get; }

    /// <summary>Conditions <paramref name="input"/> into <paramref name="output"/> (the same length; they may be the same memory).</summary>
    public void Process(ReadOnlySpan<short> input, Span<short> output)
    {
        for (var offset = 0; offset < input.Length; offset += VoiceActivityDetector.BlockSamples)
        {
            var block = input.Slice(offset, Math.Min(VoiceActivityDetector.BlockSamples, input.Length - offset));
            var rms = VoiceActivityDetector.Rms(block);
            var voiced = Activity.Update(block.Length, rms);
            var into = output.Slice(offset, block.Length);
            if (!enabled)
            {
                block.CopyTo(into);
                continue;
            }

            if (Activity.Loud)
            {
                level += (rms - level) * (rms > level ? Attack : Release);
            }

            var next = Math.Clamp(target / level, 1 / maxGain, maxGain) * (voiced ? 1 : gateGain);
            Apply(block, into, gain, next);
            gain = next;
        }
    }

    private static void Apply(ReadOnlySpan<short> block, Span<short> into, double from, double to)
    {
        var step = (to - from) / block.Length;
        for (var i = 0; i < block.Length; i++)
        {
            var value = block[i] * (from + step * (i + 1));
            into[i] = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        }
    }
}
