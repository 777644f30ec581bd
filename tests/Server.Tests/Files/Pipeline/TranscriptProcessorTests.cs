using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Search.Api;
using Atom.Server.Tests.Voice.Api;
using Atom.Server.Tests.Voice.Recognition;
using Atom.V1;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Files.Pipeline;

/// <summary>
/// Audio uploads become searchable text: after processing makes a recording ready, the pipeline transcribes it with the
/// real pocketsphinx, WatchFile follows until it is done, and search finds the file by what was said.
/// </summary>
public sealed class TranscriptProcessorTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    [Fact]
    public async Task A_recording_is_transcribed_after_it_is_ready_and_found_by_what_was_said()
    {
        var team = await Team.CreateAsync(fixture.Server, "transcripts", "ann", "bob");
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var wav = TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(0.5), TestAudio.Speak("open the budget room")));
        var uploaded = (await UploadStreamAsync(files, "memo.wav", "audio/wav", wav, 65536)).File;

        // WatchFile follows the file past "ready" until its speech is transcribed.
        var steps = new List<WatchFileResponse>();
        await foreach (var step in files.WatchFile(new WatchFileRequest { FileId = uploaded.Id }, new CallOptions { Deadline = DateTime.UtcNow.AddMinutes(2) }).ResponseStream.ReadAllAsync())
        {
            steps.Add(step);
        }

        var file = steps[^1].File;
        Assert.Equal(FileState.Ready, file.State);
        Assert.Equal("done", file.Metadata["transcription"]);
        Assert.Contains(file.Jobs, j => j.Kind == "files.transcribe");
        var got = (await files.GetFileAsync(new GetFileRequest { FileId = uploaded.Id, View = FileView.Full })).File;
        var words = TestAudio.Words(got.Text);
        Assert.Contains(words, w => w is "quarterly" or "sales" or "numbers" or "budget");
        Assert.InRange(TestAudio.WordErrorRate("search for quarterly sales numbers open the budget room", got.Text), 0, 0.6);

        // Search finds it by a word that was only said, never written; another user does not.
        var heard = words.First(w => w is "quarterly" or "sales" or "numbers" or "budget");
        var search = new SearchServiceClient(fixture.Server.Channel(team["ann"].Token));
        var found = await search.UntilAsync(new SearchRequest { Query = heard, Mode = SearchMode.Keyword }, r => r.Results.Any(x => x.Id == uploaded.Id));
        Assert.Equal(SearchResultKind.File, found.Results.First(x => x.Id == uploaded.Id).Kind);
        var other = new SearchServiceClient(fixture.Server.Channel(team["bob"].Token));
        Assert.DoesNotContain((await other.SearchAsync(new SearchRequest { Query = heard, SkipHistory = true })).Results, x => x.Id == uploaded.Id);
    }

    [Theory]
    [InlineData("memo.webm", "audio/webm", "opus")] // what a browser's MediaRecorder makes
    [InlineData("memo.flac", "audio/flac", "flac")]
    [InlineData("memo.mp3", "audio/mpeg", "mpeg-2 layer 3")] // 16 kHz is MPEG-2
    public async Task Compressed_recordings_are_detected_by_their_bytes_and_transcribed(string name, string mediaType, string codec)
    {
        var team = await Team.CreateAsync(fixture.Server, "compressed" + Path.GetExtension(name)[1..], "ann");
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        using var directory = new Files.Processing.Fixtures.TempDirectory();
        var wav = directory.File("speech.wav", TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("open the budget room"), TestAudio.Silence(0.5))));
        var encoded = Path.Combine(directory.Path, name);
        Voice.AudioFixtures.Ffmpeg("-i", wav, encoded);

        var uploaded = (await UploadStreamAsync(files, "recording.bin", string.Empty, await File.ReadAllBytesAsync(encoded), 65536)).File;
        var file = await WaitAsync(files, uploaded.Id);

        Assert.Equal(FileState.Ready, file.State);
        Assert.Equal(mediaType, file.MediaType);
        Assert.Equal(codec, file.Metadata["codec"]);
        Assert.Equal("done", file.Metadata["transcription"]);
        var text = (await files.GetFileAsync(new GetFileRequest { FileId = uploaded.Id, View = FileView.Full })).File.Text;
        Assert.InRange(TestAudio.WordErrorRate("open the budget room", text), 0, 0.6);
    }

    [Fact]
    public async Task Silence_is_transcribed_as_no_speech_and_the_file_stays_ready()
    {
        var team = await Team.CreateAsync(fixture.Server, "silence", "ann");
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var uploaded = (await UploadStreamAsync(files, "quiet.wav", "audio/wav", TestAudio.Wav(TestAudio.Silence(3)), 65536)).File;

        var file = await WaitAsync(files, uploaded.Id);

        Assert.Equal(FileState.Ready, file.State);
        Assert.Equal("no-speech", file.Metadata["transcription"]);
        Assert.Equal(string.Empty, (await files.GetFileAsync(new GetFileRequest { FileId = uploaded.Id, View = FileView.Full })).File.Text);
    }

    [Fact]
    public async Task Files_that_are_not_audio_are_not_queued_for_transcription()
    {
        var team = await Team.CreateAsync(fixture.Server, "notaudio", "ann");
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var uploaded = (await UploadStreamAsync(files, "notes.txt", "text/plain", "quarterly numbers"u8.ToArray(), 4096)).File;

        var file = await WaitAsync(files, uploaded.Id);

        Assert.False(file.Metadata.ContainsKey("transcription"));
        Assert.DoesNotContain(file.Jobs, j => j.Kind == "files.transcribe");
    }
}
