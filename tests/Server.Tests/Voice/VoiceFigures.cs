using System.Diagnostics;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Synthesis;
using Xunit.Abstractions;

namespace Atom.Server.Tests.Voice;

/// <summary>
/// Figures, not pass/fail on time: synthesis real-time factor and time to first chunk, and decode speed of one minute of
/// audio through ffmpeg against the managed WAV path. Run with
/// <c>dotnet test tests/Server.Tests --filter "FullyQualifiedName~VoiceFigures" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class VoiceFigures(ITestOutputHelper output)
{
    [Fact]
    public async Task Synthesis_real_time_factor_and_time_to_first_chunk()
    {
        var espeak = new EspeakSpeechSynthesizer(new SpeechSynthesisOptions(), "ffmpeg");
        const string Text = "Atom is a self-hosted platform for team conversations with an assistant. It speaks with espeak by default. "
            + "This paragraph is long enough to measure how fast the engine produces audio compared with real time.";
        await Measure(espeak, new SynthesisRequest { Text = "Warm up.", Format = SynthesisFormat.Pcm });
        foreach (var format in new[] { SynthesisFormat.Pcm, SynthesisFormat.Wav, SynthesisFormat.Mp3, SynthesisFormat.OggOpus })
        {
            var request = new SynthesisRequest { Text = Text, Format = format, SampleRate = format == SynthesisFormat.OggOpus ? 48000 : 24000 };
            var pcmSeconds = (await Measure(espeak, request with { Format = SynthesisFormat.Pcm })).Bytes / 2.0 / request.OutputSampleRate;
            var (first, total, bytes) = await Measure(espeak, request);
            output.WriteLine($"espeak-ng {format,-8} {Text.Length} chars: first chunk {first.TotalMilliseconds,6:0.0} ms, total {total.TotalMilliseconds,7:0.0} ms, "
                + $"audio {pcmSeconds:0.00} s, RTF {total.TotalSeconds / pcmSeconds:0.000}, {bytes} bytes");
        }
    }

    [Fact]
    public async Task Decode_speed_of_one_minute_ffmpeg_against_managed_wav()
    {
        using var dir = new Files.Processing.Fixtures.TempDirectory();
        var factory = new AudioDecoderFactory(new AudioOptions(), "ffmpeg");
        var decoder = new AudioFileDecoder(factory);
        var wav = Path.Combine(dir.Path, "minute.wav");
        await File.WriteAllBytesAsync(wav, AudioFixtures.Wav(AudioFixtures.Sine(440, 60, 44100, channels: 2), 44100, 2));
        var wav16 = Path.Combine(dir.Path, "minute16k.wav");
        await File.WriteAllBytesAsync(wav16, AudioFixtures.Wav(AudioFixtures.Sine(440, 60, 16000), 16000, 1));
        AudioFixtures.Ffmpeg("-i", wav, Path.Combine(dir.Path, "minute.mp3"));
        AudioFixtures.Ffmpeg("-i", wav, Path.Combine(dir.Path, "minute.ogg"));
        AudioFixtures.Ffmpeg("-i", wav, "-c:a", "libopus", Path.Combine(dir.Path, "minute.webm"));
        foreach (var name in new[] { "minute.wav", "minute16k.wav", "minute.mp3", "minute.ogg", "minute.webm" })
        {
            var path = Path.Combine(dir.Path, name);
            await decoder.DecodeAsync(path);
            var best = TimeSpan.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                var decoded = await decoder.DecodeAsync(path);
                best = clock.Elapsed < best ? clock.Elapsed : best;
                Assert.InRange(decoded.Duration.TotalSeconds, 59, 61);
            }

            output.WriteLine($"decode {name,-14} ({new FileInfo(path).Length / 1024,6} KiB): best of 3 {best.TotalMilliseconds,7:0.0} ms = {60 / best.TotalSeconds,6:0}x real time");
        }
    }

    private static async Task<(TimeSpan First, TimeSpan Total, long Bytes)> Measure(EspeakSpeechSynthesizer synthesizer, SynthesisRequest request)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        long bytes = 0;
        await foreach (var chunk in synthesizer.SynthesizeAsync(request))
        {
            first ??= clock.Elapsed;
            bytes += chunk.Data.Length;
        }

        return (first ?? clock.Elapsed, clock.Elapsed, bytes);
    }
}
