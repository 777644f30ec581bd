using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>16 kHz mono 16-bit PCM as a RIFF WAVE file: the one upload format every transcription endpoint takes.</summary>
internal static class WavEncoder
{
    public const int SampleRate = 16000;

    public static byte[] Encode(ReadOnlySpan<short> samples)
    {
        var data = samples.Length * 2;
        var wav = new byte[44 + data];
        var header = wav.AsSpan();
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], SampleRate * 2); // bytes a second
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2); // bytes a frame
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16); // bits
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], data);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(samples).CopyTo(header[44..]);
        }
        else
        {
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(header[(44 + 2 * i)..], samples[i]);
            }
        }

        return wav;
    }
}
