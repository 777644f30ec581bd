namespace Atom.Server.Voice.Audio;

/// <summary>A whole recording, decoded.</summary>
/// <param name="Samples">16 kHz mono signed 16-bit samples.</param>
/// <param name="Container">The container the bytes turned out to be.</param>
/// <param name="Truncated">Whether the recording is longer than <see cref="AudioOptions.MaxDuration"/> and was cut there.</param>
public sealed record DecodedAudio(short[] Samples, AudioContainer Container, bool Truncated)
{
    /// <summary>Gets the length of <see cref="Samples"/> in time.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / AudioSourceFormat.TargetSampleRate);
}
