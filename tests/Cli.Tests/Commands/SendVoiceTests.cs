using System.Diagnostics;
using Atom.Cli.Tests.Infrastructure;

namespace Atom.Cli.Tests.Commands;

/// <summary>
/// <c>atom send ROOM --voice FILE</c> against a real server with clamd and pocketsphinx: the recording is uploaded to the
/// room, the voice message goes at once, and history shows its transcript once the server has attached it.
/// </summary>
[Collection(FilesCliServerCollection.Name)]
public sealed class SendVoiceTests(FilesCliServer server)
{
    [Fact]
    public async Task A_recording_is_sent_as_a_voice_message_and_history_shows_its_transcript()
    {
        using var ann = await FilesUser.CreateAsync(server, "voiceann");
        var create = await ann.RunAsync("rooms", "create", "voicenotes-" + Guid.NewGuid().ToString("N")[..8], "-o", "json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var room = create.Json().GetProperty("room").GetProperty("name").GetString()!;
        Flite.Speak("open the budget room", Path.Combine(ann.Directory.Path, "memo.wav"), "slt");

        await using var watch = ann.Start("watch", room, "-o", "json");
        await watch.LineAsync(line => line.Contains("\"caughtUp\"", StringComparison.Ordinal), "saying it caught up");

        var sent = await ann.RunAsync("send", room, "listen to this", "--voice", "memo.wav");

        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Contains($"Sent voice message #1 to {room}", sent.Stdout);
        var waited = Stopwatch.StartNew();
        CliResult history;
        do
        {
            await Task.Delay(200);
            history = await ann.RunAsync("history", room);
        }
        while ((!history.Stdout.Contains("[voice 00:0", StringComparison.Ordinal) || history.Stdout.Contains("transcribing", StringComparison.Ordinal))
            && waited.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Matches(@"listen to this \[voice 00:0\d: "".*(budget|room|open).*""\]", history.Stdout);

        // A watcher sees the transcript arrive as its own event.
        var attached = await watch.LineAsync(line => line.Contains("\"transcriptAttached\"", StringComparison.Ordinal), "with the transcript attached");
        Assert.Contains("TRANSCRIPT_STATE_READY", attached);
    }

    [Fact]
    public async Task Nothing_to_send_and_files_that_are_not_recordings_are_refused_before_any_upload()
    {
        using var ann = await FilesUser.CreateAsync(server, "voicebob");
        ann.File("notes.txt", "words"u8.ToArray());

        var nothing = await ann.RunAsync("send", "anywhere");
        var missing = await ann.RunAsync("send", "anywhere", "--voice", "missing.wav");
        var notRecording = await ann.RunAsync("send", "anywhere", "--voice", "notes.txt");

        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("nothing to send", nothing.Stderr);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("missing.wav: no such file", missing.Stderr);
        Assert.NotEqual(0, notRecording.ExitCode);
        Assert.Contains("notes.txt is not a recording", notRecording.Stderr);
        Assert.Empty(ann.JournalEntries());
    }
}
