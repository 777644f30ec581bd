namespace Atom.Server.Media;

/// <summary>
/// An MPEG audio Layer III frame header (MPEG 1, 2 or 2.5), and the ID3v2 tag that may precede the first frame: what both
/// file processing and voice decoding read to recognise MP3.
/// </summary>
/// <param name="Version">1 for MPEG 1, 2 for MPEG 2 and 2.5.</param>
/// <param name="BitRate">Bits per second.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">1 or 2.</param>
/// <param name="Length">The frame's length in bytes, header included.</param>
/// <param name="SamplesPerFrame">1152 or 576.</param>
internal readonly record struct MpegFrame(int Version, int BitRate, int SampleRate, int Channels, int Length, int SamplesPerFrame)
{
    // Kilobits per second by bitrate index (1..14); index 0 ("free") and 15 (invalid) are refused.
    private static readonly int[] Mpeg1Layer3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Layer3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>The length of an ID3v2 tag at the start of <paramref name="head"/>, header and footer included; 0 when there is none.</summary>
    public static long Id3v2Length(ReadOnlySpan<byte> head)
    {
        if (head.Length < 10 || !head[..3].SequenceEqual("ID3"u8) || head[3] == 0xFF || head[4] == 0xFF)
        {
            return 0;
        }

        // The size is "synchsafe": 7 bits per byte, the high bit always clear.
        var size = 0L;
        for (var i = 6; i < 10; i++)
        {
            if ((head[i] & 0x80) != 0)
            {
                return 0;
            }

            size = (size << 7) | head[i];
        }

        var footer = (head[5] & 0x10) != 0 ? 10 : 0;
        return 10 + size + footer;
    }

    /// <summary>Parses a Layer III frame header (MPEG 1, 2 or 2.5).</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out MpegFrame frame)
    {
        frame = default;
        if (bytes.Length < 4 || bytes[0] != 0xFF || (bytes[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        var versionBits = (bytes[1] >> 3) & 3; // 0: 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
        var layerBits = (bytes[1] >> 1) & 3;   // 1: Layer III
        var bitRateIndex = bytes[2] >> 4;
        var sampleRateIndex = (bytes[2] >> 2) & 3;
        if (versionBits == 1 || layerBits != 1 || bitRateIndex is 0 or 15 || sampleRateIndex == 3)
        {
            return false;
        }

        var mpeg1 = versionBits == 3;
        var bitRate = (mpeg1 ? Mpeg1Layer3 : Mpeg2Layer3)[bitRateIndex] * 1000;
        int[] rates = versionBits switch { 3 => [44100, 48000, 32000], 2 => [22050, 24000, 16000], _ => [11025, 12000, 8000] };
        var sampleRate = rates[sampleRateIndex];
        var padding = (bytes[2] >> 1) & 1;
        var samples = mpeg1 ? 1152 : 576;
        var length = (samples / 8 * bitRate / sampleRate) + padding;
        var channels = (bytes[3] >> 6) == 3 ? 1 : 2;
        frame = new MpegFrame(mpeg1 ? 1 : 2, bitRate, sampleRate, channels, length, samples);
        return true;
    }
}
