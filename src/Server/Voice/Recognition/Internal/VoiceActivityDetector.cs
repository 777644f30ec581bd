namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>
/// Energy-based voice activity on 10 ms blocks. A block is voiced when its RMS is above both the fixed gate and 10 dB over
/// a tracked noise floor (which follows quiet blocks down at once and creeps up 0.05 dB a block, about 5 dB a second, so that
/// steady noise - fans, hum, even clipping - stops counting as speech within seconds while the pauses between words keep it
/// honest). A hangover keeps word tails and short gaps voiced. Cheap and language-free; it decides what is skipped or not sent,
/// while pocketsphinx's own detector still endpoints utterances.
/// </summary>
internal sealed class VoiceActivityDetector
{
    /// <summary>10 ms at 16 kHz.</summary>
    public const int BlockSamples = 160;

    private const double FloorRise = 1.0058; // 0.05 dB a block
    private const double OverFloor = 3.16; // 10 dB
    private const int HangoverBlocks = 20; // 200 ms

    /// <summary>How long a block stays voiced after the last loud one: the silence before <see cref="SilentSamples"/> starts counting.</summary>
    public const int HangoverSamples = HangoverBlocks * BlockSamples;

    private readonly double gate;
    private double floor;
    private int hangover;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="gateDbfs">The level below which nothing is voiced, in dBFS.</param>
    public VoiceActivityDetector(double gateDbfs)
    {
        gate = Amplitude(gateDbfs);
        floor = gate;
    }

    /// <summary>Gets whether the last block was voiced (or within the hangover after a voiced one).</summary>
    public bool Voiced { get; private set; }

    /// <summary>Gets whether the last block itself was above the threshold, without the hangover.</summary>
    public bool Loud { get; private set; }

    /// <summary>Gets the samples since the last voiced block (0 while voiced).</summary>
    public long SilentSamples { get; private set; }

    /// <summary>Gets the samples voiced in a row up to now (0 when not voiced).</summary>
    public long VoicedSamples { get; private set; }

    /// <summary>The amplitude of a level in dBFS.</summary>
    public static double Amplitude(double dbfs) => short.MaxValue * Math.Pow(10, dbfs / 20);

    /// <summary>The RMS of a block.</summary>
    public static double Rms(ReadOnlySpan<short> block)
    {
        if (block.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in block)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / block.Length);
    }

    /// <summary>Takes one block (normally <see cref="BlockSamples"/> long) and its RMS.</summary>
    /// <returns>Whether it is voiced.</returns>
    public bool Update(int samples, double rms)
    {
        floor = rms < floor ? Math.Max(rms, 1) : floor * FloorRise;
        Loud = rms > gate && rms > floor * OverFloor;
        if (Loud)
        {
            hangover = HangoverBlocks;
        }
        else if (hangover > 0)
        {
            hangover--;
        }

        Voiced = Loud || hangover > 0;
        SilentSamples = Voiced ? 0 : SilentSamples + samples;
        VoicedSamples = Voiced ? VoicedSamples + samples : 0;
        return Voiced;
    }
}
