using Atom.Server.Tests.Files.Processing.Fixtures;
using System.Runtime.InteropServices;
using Atom.Server.Voice.Audio;

namespace Atom.Server.Tests.Voice.Audio;

public sealed class ManagedDecoderTests
{
    private readonly AudioDecoderFactory factory = new(new AudioOptions(), "ffmpeg");

    [Fact]
    public async Task Raw_pcm_at_16k_mono_passes_through_unchanged_even_when_split_mid_sample()
    {
        var pcm = AudioFixtures.Pcm16(AudioFixtures.Sine(440, 1, 16000));
        await using var decoder = factory.Create(AudioSourceFormat.Pcm16kMono);
        var samples = await AudioFixtures.DecodeAsync(decoder, pcm, piece: 333);
        Assert.Equal(MemoryMarshal.Cast<byte, short>(pcm).ToArray(), samples);
        Assert.Equal(TimeSpan.FromSeconds(1), decoder.Decoded);
    }

    [Fact]
    public async Task Raw_pcm_at_another_rate_and_stereo_is_resampled_and_mixed_down()
    {
        var pcm = AudioFixtures.Pcm16(AudioFixtures.Sine(1000, 2, 48000, channels: 2));
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.RawPcm, 48000, 2));
        var samples = await AudioFixtures.DecodeAsync(decoder, pcm);
        Assert.InRange(samples.Length, 31990, 32010);
        Assert.InRange(AudioFixtures.Amplitude(samples.AsSpan(1000, 16000), 1000), 0.48, 0.52);
    }

    [Fact]
    public async Task Raw_pcm_that_is_really_a_wav_is_refused_naming_the_container()
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(440, 0.5, 16000), 16000, 1);
        await using var decoder = factory.Create(AudioSourceFormat.Pcm16kMono);
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, wav));
        Assert.Contains("declared raw PCM but starts like a WAV file", error.Message);
    }

    [Fact]
    public async Task Raw_pcm_that_is_really_an_mp3_is_refused_even_without_an_id3_tag()
    {
        using var dir = new TempDirectory();
        var mp3 = AudioFixtures.Tone(Path.Combine(dir.Path, "t.mp3"), 1, 440, "-write_xing", "0", "-id3v2_version", "0");
        var bytes = await File.ReadAllBytesAsync(mp3);
        Assert.Equal(0xFF, bytes[0]);
        await using var decoder = factory.Create(AudioSourceFormat.Pcm16kMono);
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, bytes, piece: 100));
        Assert.Contains("starts like a MP3 file", error.Message);
    }

    [Fact]
    public async Task Raw_pcm_ending_in_half_a_sample_is_refused()
    {
        await using var decoder = factory.Create(AudioSourceFormat.Pcm16kMono);
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, new byte[4097]));
        Assert.Contains("ends with 1 byte of an incomplete frame", error.Message);
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(16, false)]
    [InlineData(24, false)]
    [InlineData(32, false)]
    [InlineData(32, true)]
    public async Task Wav_of_every_pcm_layout_decodes_to_the_same_tone(int bits, bool isFloat)
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(1000, 1, 44100, channels: 2), 44100, 2, bits, isFloat);
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        var samples = await AudioFixtures.DecodeAsync(decoder, wav, piece: 1001);
        Assert.InRange(samples.Length, 15990, 16010);
        Assert.InRange(AudioFixtures.Amplitude(samples.AsSpan(500, 15000), 1000), 0.48, 0.52);
    }

    [Fact]
    public async Task Wav_declared_at_16k_whose_header_says_44k_is_resampled_by_its_header()
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(440, 2, 44100), 44100, 1);
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav, 16000));
        var samples = await AudioFixtures.DecodeAsync(decoder, wav);
        Assert.InRange(samples.Length, 31990, 32010);
    }

    [Fact]
    public async Task Resampling_keeps_speech_band_tones_and_removes_what_would_alias()
    {
        var kept = await DecodeWav(AudioFixtures.Sine(6500, 1, 44100), 44100);
        Assert.InRange(AudioFixtures.Amplitude(kept.AsSpan(500, 15000), 6500), 0.49, 0.51);

        // 10 kHz cannot exist at 16 kHz: with a poor filter it would fold to 6 kHz.
        var removed = await DecodeWav(AudioFixtures.Sine(10000, 1, 44100), 44100);
        Assert.True(AudioFixtures.Amplitude(removed.AsSpan(500, 15000), 6000) < 0.0005, "alias at 6 kHz");
    }

    [Fact]
    public async Task Clipped_full_scale_noise_decodes_without_wrapping_around()
    {
        var random = new Random(7);
        var square = Enumerable.Range(0, 44100).Select(i => (i / 20 % 2 == 0 ? 1f : -1f) * (random.NextDouble() < 0.1 ? 1f : 1f)).ToArray();
        var samples = await DecodeWav(square, 44100);
        Assert.InRange(samples.Length, 15990, 16010);
        // Band-limiting a full-scale square overshoots; saturation keeps the sign where wrap-around would flip it.
        var positive = samples.Count(s => s > 0);
        Assert.InRange(positive, 7000, 9000);
        Assert.Contains(samples, s => s == short.MaxValue || s > 30000);
    }

    [Fact]
    public async Task Wav_truncated_inside_its_header_is_refused_precisely()
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(440, 0.1, 16000), 16000, 1)[..30];
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, wav));
        Assert.Equal("The WAV ends after 30 bytes, inside its header, before any samples.", error.Message);
    }

    [Fact]
    public async Task Wav_cut_short_in_its_data_decodes_what_is_there()
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(440, 1, 16000), 16000, 1);
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        var samples = await AudioFixtures.DecodeAsync(decoder, wav[..(44 + 16001)]);
        Assert.Equal(8000, samples.Length);
    }

    [Fact]
    public async Task Wav_with_a_corrupt_format_chunk_is_refused_precisely()
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(440, 0.1, 16000), 16000, 1);
        wav[32] = 7; // block align no longer matches 16-bit mono
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, wav));
        Assert.Contains("declares 16-bit samples in 1 channels but 7-byte frames", error.Message);
    }

    [Fact]
    public async Task Wav_declared_but_ogg_bytes_is_refused_naming_the_container()
    {
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, [.. "OggS"u8, .. new byte[100]]));
        Assert.Contains("declared WAV but starts like a Ogg file", error.Message);
    }

    [Fact]
    public async Task Decoding_stops_at_the_duration_limit_and_says_so()
    {
        var limited = new AudioDecoderFactory(new AudioOptions { MaxDuration = TimeSpan.FromSeconds(1) }, null);
        await using var decoder = limited.Create(new AudioSourceFormat(AudioContainer.Wav));
        var samples = await AudioFixtures.DecodeAsync(decoder, AudioFixtures.Wav(AudioFixtures.Sine(440, 3, 22050), 22050, 1));
        Assert.Equal(16000, samples.Length);
        Assert.True(decoder.LimitReached);
    }

    private async Task<short[]> DecodeWav(float[] samples, int rate)
    {
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Wav));
        return await AudioFixtures.DecodeAsync(decoder, AudioFixtures.Wav(samples, rate, 1));
    }
}
