using System.Buffers.Binary;
using Atom.Cli.Voice;

namespace Atom.Cli.Tests.Voice;

public sealed class WavLayoutTests
{
    [Fact]
    public void A_header_gives_the_rate_the_frame_size_and_where_the_samples_start_past_other_chunks()
    {
        var layout = WavLayout.Read(Header(22050, channels: 2, bits: 16, extra: "LIST"u8.ToArray()));

        Assert.Equal(22050, layout.SampleRate);
        Assert.Equal(2, layout.Channels);
        Assert.Equal(22050 * 4, layout.BytesPerSecond);
        Assert.Equal(4, layout.BlockAlign);
        Assert.Equal(12 + 24 + 8 + 6 + 8, layout.DataOffset);
    }

    [Theory]
    [InlineData(16000, 1, 16, 100, 3200)]
    [InlineData(22050, 1, 16, 100, 4410)]
    [InlineData(11025, 1, 16, 100, 2204)]
    [InlineData(44100, 2, 16, 100, 17640)]
    [InlineData(8000, 1, 8, 0, 1)]
    public void A_chunk_holds_whole_frames_of_its_stretch_of_audio(int rate, int channels, int bits, int milliseconds, int bytes)
    {
        var layout = WavLayout.Read(Header(rate, channels, bits));

        var chunk = layout.Bytes(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(bytes, chunk);
        Assert.Equal(0, chunk % layout.BlockAlign);
    }

    [Fact]
    public void What_is_not_a_wav_with_its_data_chunk_is_refused_with_the_reason()
    {
        Assert.Contains("RIFF/WAVE", Assert.Throws<FormatException>(() => WavLayout.Read("OggS0000WAVE"u8)).Message);
        var noData = Header(16000, 1, 16);
        Assert.Contains("no data chunk", Assert.Throws<FormatException>(() => WavLayout.Read(noData.AsSpan(0, 36))).Message);
        Assert.Contains("0 channels", Assert.Throws<FormatException>(() => WavLayout.Read(Header(16000, 0, 16))).Message);
    }

    /// <summary>A PCM WAV header, optionally with a chunk of 6 bytes before the data.</summary>
    internal static byte[] Header(int rate, int channels, int bits, byte[]? extra = null)
    {
        var block = Math.Max(1, channels * bits / 8);
        using var buffer = new MemoryStream();
        void Write(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);
        void Int(int value, int size)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            buffer.Write(bytes[..size]);
        }

        Write("RIFF"u8);
        Int(0, 4);
        Write("WAVE"u8);
        Write("fmt "u8);
        Int(16, 4);
        Int(1, 2);
        Int(channels, 2);
        Int(rate, 4);
        Int(rate * block, 4);
        Int(block, 2);
        Int(bits, 2);
        if (extra is not null)
        {
            Write(extra);
            Int(6, 4);
            Write("abcdef"u8);
        }

        Write("data"u8);
        Int(0, 4);
        return buffer.ToArray();
    }
}
