using System.Text.Json;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>
/// <c>atom say</c>, <c>atom transcribe</c> and <c>atom listen</c> against a real server with the embedded engines
/// (espeak-ng speaks, pocketsphinx listens). Speech for the recognizer is made by flite, whose voice pocketsphinx
/// hears far more reliably than espeak's; a word or two recognised is the bar, not the whole sentence.
/// </summary>
[Collection(CliServerCollection.Name)]
public sealed class VoiceCommandTests(CliServer server) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("atom-voice-cli-").FullName;

    [Fact]
    public async Task Say_writes_a_wav_and_reports_its_format_and_duration_and_never_overwrites_without_force()
    {
        var first = await RunAsync("say", "hello world", "--out", "hello.wav");
        var again = await RunAsync("say", "something else", "--out", "hello.wav");
        var json = await RunAsync("say", "good morning", "--out", "morning.wav", "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Matches(@"Wrote .* of speech to .*hello\.wav: WAV, \d+ Hz, mono, \d+\.\ds\.", first.Stderr);
        var wav = await File.ReadAllBytesAsync(Path.Combine(_directory, "hello.wav"));
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists: pass --force to overwrite it", again.Stderr);
        Assert.Equal(wav, await File.ReadAllBytesAsync(Path.Combine(_directory, "hello.wav")));
        Assert.Equal(["hello.wav", "morning.wav"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(json.ExitCode == 0, json.ToString());
        var saved = json.Json();
        Assert.Equal("AUDIO_ENCODING_WAV", saved.GetProperty("format").GetProperty("encoding").GetString());
        Assert.EndsWith("s", saved.GetProperty("duration").GetString());
    }

    [Fact]
    public async Task Say_with_nothing_to_say_reports_the_servers_invalid_argument_with_the_field()
    {
        var result = await RunAsync("say", "", "--out", "nothing.wav");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID_ARGUMENT", result.Stderr);
        Assert.Contains("field text", result.Stderr);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Transcribe_prints_final_segments_with_their_span_and_json_a_response_per_line()
    {
        Flite("hello world this is a test of the voice service", "speech.wav");

        var table = await RunAsync("transcribe", "speech.wav");
        var json = await RunAsync("transcribe", "speech.wav", "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"^\[\d\d:\d\d\.\d–\d\d:\d\d\.\d\] ", table.StdoutLines[0]);
        Assert.Matches("(?i)hello|world|test|voice|service", table.Stdout);
        Assert.True(json.ExitCode == 0, json.ToString());
        var responses = json.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(responses, r => r.GetProperty("segment").TryGetProperty("final", out var final) && final.GetBoolean());
    }

    [Fact]
    public async Task Transcribe_refuses_a_file_that_is_not_audio_by_its_content_whatever_its_name()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "notes.wav"), "these are notes, not a recording");

        var result = await RunAsync("transcribe", "notes.wav");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("notes.wav is not audio the server takes", result.Stderr);
    }

    [Fact]
    public async Task Listen_streams_a_wav_in_real_time_and_ctrl_c_ends_the_audio_but_waits_for_the_final_with_its_latency()
    {
        Flite("hello world this is a much longer test of the voice service with many words in it so that it lasts a while", "live.wav");
        var whole = TimeSpan.FromSeconds(new FileInfo(Path.Combine(_directory, "live.wav")).Length / 16_000.0);
        await using var listen = RunningCli.Start(server.Address, ["listen", "--wav", Path.Combine(_directory, "live.wav")]);
        await listen.StderrAsync("in real time");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var exitCode = await listen.InterruptAsync();

        Assert.True(exitCode == 0, $"exit {exitCode}\n{string.Join('\n', listen.Seen)}\n{listen.Stderr}");
        Assert.Contains(listen.Seen, line => line.StartsWith('['));
        var final = listen.Seen.Last(line => line.StartsWith('['));
        Assert.Matches(@"\] .*\(final \d+\.\ds after the words\)", final);

        // The audio stopped at Ctrl+C: the last final ends well before the recording would have.
        var end = TimeSpan.ParseExact(final[9..16], @"mm\:ss\.f", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(end < whole - TimeSpan.FromSeconds(1), $"{final} (the recording lasts {whole})");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<CliResult> RunAsync(params string[] args) => AtomCli.RunAsync(["--server", server.Address, .. args], workingDirectory: _directory);

    private void Flite(string text, string name) => Infrastructure.Flite.Speak(text, Path.Combine(_directory, name));
}
