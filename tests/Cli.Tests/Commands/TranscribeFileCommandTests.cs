using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>
/// <c>atom transcribe --file</c> against a real server: a recording uploaded with <c>atom upload</c> (which returns once
/// the file is scanned and READY), then transcribed where it is stored, by VoiceService.TranscribeFile with pocketsphinx.
/// A word or two recognised is the bar, not the whole sentence.
/// </summary>
[Collection(FilesCliServerCollection.Name)]
public sealed class TranscribeFileCommandTests(FilesCliServer server)
{
    [Fact]
    public async Task A_stored_recording_named_by_id_or_name_prints_its_segments_and_in_json_the_whole_transcript_last()
    {
        using var ann = await FilesUser.CreateAsync(server, "ann");
        Flite.Speak("search for quarterly sales numbers", ann.Directory.Combine("memo.wav"), voice: "slt");
        var upload = await ann.RunAsync("upload", "memo.wav", "-o", "json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal("FILE_STATE_READY", upload.Json().GetProperty("state").GetString());
        var id = upload.Json().GetProperty("id").GetString()!;

        var table = await ann.RunAsync("transcribe", "--file", id);
        var json = await ann.RunAsync("transcribe", "--file", "memo.wav", "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.All(table.StdoutLines, line => Assert.Matches(@"^\[\d\d:\d\d\.\d–\d\d:\d\d\.\d\] \S", line));
        Assert.Matches("(?i)search|sales|numbers", table.Stdout);
        Assert.DoesNotContain("No speech heard", table.Stderr);
        Assert.True(json.ExitCode == 0, json.ToString());
        var responses = FilesUser.Lines(json);
        var segments = responses.Where(r => r.TryGetProperty("segment", out _)).Select(r => r.GetProperty("segment")).ToList();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.True(s.GetProperty("final").GetBoolean()));
        var last = responses[^1];
        Assert.Equal(string.Join(' ', segments.Select(s => s.GetProperty("text").GetString())), last.GetProperty("transcript").GetString());
        Assert.Equal(last.GetProperty("duration").GetString(), last.GetProperty("progress").GetString());
    }

    [Fact]
    public async Task A_stored_file_that_is_not_audio_or_not_there_fails_with_the_servers_precise_error_and_a_non_zero_exit()
    {
        using var bob = await FilesUser.CreateAsync(server, "bob");
        bob.File("notes.txt", FilesUser.Text(lines: 10));
        var upload = await bob.RunAsync("upload", "notes.txt", "-o", "json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var id = upload.Json().GetProperty("id").GetString()!;

        var notAudio = await bob.RunAsync("transcribe", "--file", id);
        var notAudioJson = await bob.RunAsync("transcribe", "--file", "notes.txt", "-o", "json");
        var missing = await bob.RunAsync("transcribe", "--file", "memo.wav");
        var withHints = await bob.RunAsync("transcribe", "--file", id, "--hints", "budget");

        Assert.True(notAudio.ExitCode == 1, notAudio.ToString());
        Assert.Contains($"error: INVALID_ARGUMENT: file_id: file {id} is text/plain", notAudio.Stderr);
        Assert.Contains("not audio", notAudio.Stderr);
        Assert.Contains("field file_id:", notAudio.Stderr);
        Assert.Empty(notAudio.Stdout);
        Assert.True(notAudioJson.ExitCode == 1, notAudioJson.ToString());
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(notAudioJson.Stderr).RootElement.GetProperty("code").GetInt32());
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("error: NOT_FOUND: no file of yours is named 'memo.wav'", missing.Stderr);
        Assert.True(withHints.ExitCode == 2, withHints.ToString());
        Assert.Contains("--hints goes with a local FILE", withHints.Stderr);
    }
}
