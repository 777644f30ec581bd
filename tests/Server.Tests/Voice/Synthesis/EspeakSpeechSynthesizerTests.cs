using System.Buffers.Binary;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Synthesis;

namespace Atom.Server.Tests.Voice.Synthesis;

/// <summary>One espeak-ng for the class: the library is process-global, as the server's single synthesizer is.</summary>
public sealed class EspeakFixture
{
    /// <summary>Gets the synthesizer.</summary>
    public EspeakSpeechSynthesizer Synthesizer { get; } = new(new SpeechSynthesisOptions { MaxTextLength = 200 }, "ffmpeg");
}

[CollectionDefinition(Name)]
public sealed class EspeakCollection : ICollectionFixture<EspeakFixture>
{
    public const string Name = "espeak-ng";
}

[Collection(EspeakCollection.Name)]
public sealed class EspeakSpeechSynthesizerTests(EspeakFixture fixture)
{
    private readonly EspeakSpeechSynthesizer synthesizer = fixture.Synthesizer;

    [Fact]
    public async Task Wav_streams_in_several_chunks_and_decodes_to_speech()
    {
        var chunks = await Collect(new SynthesisRequest { Text = "The quick brown fox jumps over the lazy dog. Then it runs away into the forest." });
        Assert.True(chunks.Count > 3, $"{chunks.Count} chunks");
        var wav = chunks.SelectMany(c => c.Data.ToArray()).ToArray();
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        var samples = await AudioFixtures.DecodeAsync(new AudioDecoderFactory(new AudioOptions(), null).Create(new AudioSourceFormat(AudioContainer.Wav)), wav);
        Assert.InRange(samples.Length / 16000.0, 2.0, 10.0);
        Assert.True(samples.Max(s => Math.Abs((int)s)) > 3000, "audible");
    }

    [Fact]
    public async Task Pcm_comes_at_the_requested_rate_and_speed_changes_the_length()
    {
        const string Text = "Speech at different speeds takes different times.";
        var normal = await Bytes(new SynthesisRequest { Text = Text, Format = SynthesisFormat.Pcm, SampleRate = 16000 });
        var fast = await Bytes(new SynthesisRequest { Text = Text, Format = SynthesisFormat.Pcm, SampleRate = 16000, Speed = 2.0 });
        var at8k = await Bytes(new SynthesisRequest { Text = Text, Format = SynthesisFormat.Pcm, SampleRate = 8000 });
        Assert.Equal(0, normal.Length % 2);
        Assert.InRange((double)at8k.Length / normal.Length, 0.49, 0.51);
        Assert.InRange((double)fast.Length / normal.Length, 0.3, 0.75);
    }

    [Theory]
    [InlineData(SynthesisFormat.Mp3, "t.mp3")]
    [InlineData(SynthesisFormat.OggOpus, "t.ogg")]
    public async Task Compressed_formats_come_from_ffmpeg_and_decode_again(SynthesisFormat format, string name)
    {
        var bytes = await Bytes(new SynthesisRequest { Text = "Hello from the compressed side.", Format = format });
        using var dir = new Files.Processing.Fixtures.TempDirectory();
        var path = Path.Combine(dir.Path, name);
        await File.WriteAllBytesAsync(path, bytes);
        var decoded = await new AudioFileDecoder(new AudioDecoderFactory(new AudioOptions(), "ffmpeg")).DecodeAsync(path);
        Assert.Equal(format == SynthesisFormat.Mp3 ? AudioContainer.Mp3 : AudioContainer.Ogg, decoded.Container);
        Assert.InRange(decoded.Duration.TotalSeconds, 1.0, 6.0);
    }

    [Theory]
    [InlineData("", "The text to speak is empty.")]
    [InlineData("  \t\n ", "The text to speak has nothing to say once markup, control characters and white space are removed.")]
    [InlineData("<speak><break time='1s'/></speak>", "The text to speak has nothing to say once markup, control characters and white space are removed.")]
    public async Task Empty_text_is_refused_naming_the_field(string text, string message)
    {
        var error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Collect(new SynthesisRequest { Text = text }));
        Assert.Equal("text", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Huge_text_is_refused_naming_the_limit_and_its_setting()
    {
        var error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Collect(new SynthesisRequest { Text = new string('a', 201) }));
        Assert.Equal("text", error.Field);
        Assert.Equal("The text to speak is 201 characters long; at most 200 are allowed (Atom:Voice:Synthesis:MaxTextLength).", error.Message);
    }

    [Fact]
    public async Task Unknown_voices_are_refused_and_languages_and_variants_are_taken()
    {
        var error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Collect(new SynthesisRequest { Text = "hi", Voice = "no-such-voice" }));
        Assert.Equal("voice", error.Field);
        error = await Assert.ThrowsAsync<SynthesisRequestException>(() => Collect(new SynthesisRequest { Text = "hi", Voice = "en-us+nosuch" }));
        Assert.Contains("no voice variant 'nosuch'", error.Message);
        Assert.NotEmpty(await Bytes(new SynthesisRequest { Text = "hallo", Voice = "de", Format = SynthesisFormat.Pcm }));
        Assert.NotEmpty(await Bytes(new SynthesisRequest { Text = "hello", Voice = "en-us+f3", Format = SynthesisFormat.Pcm }));
        var voices = await synthesizer.ListVoicesAsync();
        Assert.Contains(voices, v => v.Languages.Contains("en-us"));
        Assert.True(voices.Count > 50);
    }

    [Theory]
    [InlineData(0.1, 1.0, SynthesisFormat.Wav, null, "speed")]
    [InlineData(1.0, 3.0, SynthesisFormat.Wav, null, "pitch")]
    [InlineData(1.0, 1.0, SynthesisFormat.OggOpus, 22050, "sample_rate")]
    [InlineData(1.0, 1.0, SynthesisFormat.Pcm, 96000, "sample_rate")]
    public async Task Out_of_range_settings_are_refused_naming_the_field(double speed, double pitch, SynthesisFormat format, int? rate, string field)
    {
        var error = await Assert.ThrowsAsync<SynthesisRequestException>(() =>
            Collect(new SynthesisRequest { Text = "hi", Speed = speed, Pitch = pitch, Format = format, SampleRate = rate }));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Stopping_early_frees_the_engine_for_the_next_request()
    {
        var longText = string.Join(' ', Enumerable.Repeat("This sentence is long enough to need many blocks.", 3));
        await foreach (var chunk in synthesizer.SynthesizeAsync(new SynthesisRequest { Text = longText, Format = SynthesisFormat.Pcm }))
        {
            break;
        }

        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in synthesizer.SynthesizeAsync(new SynthesisRequest { Text = longText }, cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });

        Assert.NotEmpty(await Bytes(new SynthesisRequest { Text = "Still here.", Format = SynthesisFormat.Pcm }));
    }

    [Fact]
    public async Task Concurrent_requests_take_turns_and_all_finish()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Bytes(new SynthesisRequest { Text = $"Request number {i}.", Format = SynthesisFormat.Pcm })));
        Assert.All(results, r => Assert.True(r.Length > 16000));
    }

    private async Task<List<AudioChunk>> Collect(SynthesisRequest request)
    {
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in synthesizer.SynthesizeAsync(request))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    private async Task<byte[]> Bytes(SynthesisRequest request) => [.. (await Collect(request)).SelectMany(c => c.Data.ToArray())];
}
