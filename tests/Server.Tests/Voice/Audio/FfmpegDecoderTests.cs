using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Voice.Audio;

namespace Atom.Server.Tests.Voice.Audio;

/// <summary>Alone, so that counting this process's ffmpeg children sees only this class's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FfmpegProcessCollection
{
    public const string Name = "ffmpeg processes";
}

[Collection(FfmpegProcessCollection.Name)]
public sealed class FfmpegDecoderTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly AudioDecoderFactory factory = new(new AudioOptions(), "ffmpeg");

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(AudioContainer.Mp3, "t.mp3")]
    [InlineData(AudioContainer.Ogg, "t.ogg")]
    [InlineData(AudioContainer.WebM, "t.webm")]
    [InlineData(AudioContainer.Flac, "t.flac")]
    [InlineData(AudioContainer.M4a, "t.m4a")]
    public async Task Streams_of_each_container_decode_to_16k_mono(AudioContainer container, string name)
    {
        var bytes = await File.ReadAllBytesAsync(AudioFixtures.Tone(Path.Combine(dir.Path, name), 3, 440));
        await using var decoder = factory.Create(new AudioSourceFormat(container));
        var samples = await AudioFixtures.DecodeAsync(decoder, bytes, piece: 1500);
        Assert.InRange(samples.Length, 47000, 49500);
        Assert.InRange(AudioFixtures.Amplitude(samples.AsSpan(8000, 16000), 440), 0.05, 1.0);
    }

    [Theory]
    [InlineData("t.wav")]
    [InlineData("t.mp3")]
    [InlineData("t.ogg")]
    [InlineData("t.webm")]
    [InlineData("t.flac")]
    [InlineData("t.m4a")]
    public async Task Files_of_each_format_are_recognised_by_their_bytes_and_decoded(string name)
    {
        var path = AudioFixtures.Tone(Path.Combine(dir.Path, name), 2, 440);
        var renamed = Path.Combine(dir.Path, "recording.bin");
        File.Move(path, renamed);
        var decoded = await new AudioFileDecoder(factory).DecodeAsync(renamed);
        Assert.InRange(decoded.Samples.Length, 31000, 33000);
        Assert.False(decoded.Truncated);
        Assert.Equal(name[2..], decoded.Container.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task Flac_behind_an_id3_tag_is_decoded_as_flac_not_mp3()
    {
        var flac = AudioFixtures.Tone(Path.Combine(dir.Path, "t.flac"), 2, 440);
        var tagged = Path.Combine(dir.Path, "tagged.bin");
        File.WriteAllBytes(tagged, [.. Files.Processing.Fixtures.SampleFiles.Id3v2Tag(64), .. File.ReadAllBytes(flac)]);

        var decoded = await new AudioFileDecoder(factory).DecodeAsync(tagged);

        Assert.Equal(AudioContainer.Flac, decoded.Container);
        Assert.InRange(decoded.Samples.Length, 31000, 33000);
    }

    [Fact]
    public async Task A_law_wav_files_go_to_ffmpeg()
    {
        var path = AudioFixtures.Tone(Path.Combine(dir.Path, "alaw.wav"), 1, 440, "-c:a", "pcm_alaw");
        var decoded = await new AudioFileDecoder(factory).DecodeAsync(path);
        Assert.InRange(decoded.Samples.Length, 15900, 16100);
        Assert.InRange(AudioFixtures.Amplitude(decoded.Samples.AsSpan(2000, 8000), 440), 0.05, 1.0);
    }

    [Fact]
    public async Task Corrupt_ogg_fails_with_ffmpegs_message_and_leaves_no_process()
    {
        var garbage = new byte[20000];
        new Random(1).NextBytes(garbage);
        "OggS"u8.CopyTo(garbage);
        await using (var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Ogg)))
        {
            var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, garbage));
            Assert.StartsWith("The Ogg audio cannot be decoded (ffmpeg: ", error.Message);
            Assert.DoesNotContain("pipe:0", error.Message);
            Assert.DoesNotContain("@ 0x", error.Message);
        }

        Assert.Empty(AudioFixtures.ChildFfmpegs());
    }

    [Fact]
    public async Task A_truncated_ogg_fails_precisely()
    {
        var bytes = await File.ReadAllBytesAsync(AudioFixtures.Tone(Path.Combine(dir.Path, "t.ogg"), 3, 440));
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Ogg));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, bytes[..2000]));
        Assert.Contains("ffmpeg:", error.Message);
    }

    [Fact]
    public async Task Declared_ogg_carrying_mp3_is_refused_before_ffmpeg_runs()
    {
        var bytes = await File.ReadAllBytesAsync(AudioFixtures.Tone(Path.Combine(dir.Path, "t.mp3"), 1, 440));
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Ogg));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, bytes));
        Assert.Equal("The audio was declared Ogg but starts like a MP3 file; declare it as MP3.", error.Message);
    }

    [Fact]
    public async Task Empty_compressed_input_is_refused_precisely()
    {
        await using var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Mp3));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => AudioFixtures.DecodeAsync(decoder, []));
        Assert.Equal("The MP3 audio is empty: no bytes arrived.", error.Message);
    }

    [Fact]
    public async Task Long_audio_stops_at_the_limit_and_ffmpeg_is_stopped()
    {
        var limited = new AudioDecoderFactory(new AudioOptions { MaxDuration = TimeSpan.FromSeconds(2) }, "ffmpeg");
        var path = AudioFixtures.Tone(Path.Combine(dir.Path, "long.mp3"), 30, 440);
        var decoded = await new AudioFileDecoder(limited).DecodeAsync(path);
        Assert.Equal(32000, decoded.Samples.Length);
        Assert.True(decoded.Truncated);

        await using var stream = limited.Create(new AudioSourceFormat(AudioContainer.Mp3));
        var samples = await AudioFixtures.DecodeAsync(stream, await File.ReadAllBytesAsync(path));
        Assert.Equal(32000, samples.Length);
        Assert.True(stream.LimitReached);
        Assert.Empty(AudioFixtures.ChildFfmpegs());
    }

    [Fact]
    public async Task A_decode_past_its_timeout_is_killed_and_reaped()
    {
        var path = AudioFixtures.Tone(Path.Combine(dir.Path, "long.flac"), 120, 440);
        var hasty = new AudioDecoderFactory(new AudioOptions { FileTimeout = TimeSpan.FromMilliseconds(20) }, "ffmpeg");
        var error = await Assert.ThrowsAsync<TimeoutException>(() => new AudioFileDecoder(hasty).DecodeAsync(path));
        Assert.Contains("ffmpeg took longer than 0 s to decode the FLAC audio", error.Message);
        Assert.Empty(AudioFixtures.ChildFfmpegs());
    }

    [Fact]
    public async Task Disposing_a_live_stream_stops_ffmpeg()
    {
        var bytes = await File.ReadAllBytesAsync(AudioFixtures.Tone(Path.Combine(dir.Path, "t.ogg"), 3, 440));
        var decoder = factory.Create(new AudioSourceFormat(AudioContainer.Ogg));
        await decoder.WriteAsync(bytes.AsMemory(0, 8000));
        Assert.NotEmpty(AudioFixtures.ChildFfmpegs());
        await decoder.DisposeAsync();
        Assert.Empty(AudioFixtures.ChildFfmpegs());
    }

    [Fact]
    public async Task Without_ffmpeg_compressed_formats_are_unavailable_and_wav_still_decodes()
    {
        var none = new AudioDecoderFactory(new AudioOptions(), null, "ffmpeg not found");
        var error = Assert.Throws<AudioDecoderUnavailableException>(() => none.Create(new AudioSourceFormat(AudioContainer.WebM)));
        Assert.Equal("WebM audio cannot be decoded on this server: ffmpeg not found.", error.Message);
        var path = Path.Combine(dir.Path, "t.wav");
        await File.WriteAllBytesAsync(path, AudioFixtures.Wav(AudioFixtures.Sine(440, 1, 8000), 8000, 1));
        Assert.Equal(16000, (await new AudioFileDecoder(none).DecodeAsync(path)).Samples.Length);
    }
}
