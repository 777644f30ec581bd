using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Search.Api;
using Atom.Server.Tests.Voice.Api;
using Atom.Server.Tests.Voice.Recognition;
using Atom.V1;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Chat.Transcripts;

/// <summary>
/// Voice messages end to end on a real server with pocketsphinx and clamd: the recording is a file of the room, the
/// message is sent before the file is processed, its transcript follows as a live transcript_attached event, and search
/// finds the message by what was said.
/// </summary>
public sealed class VoiceMessageTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    private static CallOptions Minute => new() { Deadline = DateTime.UtcNow.AddMinutes(2) };

    [Fact]
    public async Task A_voice_message_gets_its_transcript_live_and_is_found_by_what_was_said()
    {
        var team = await Team.CreateAsync(fixture.Server, "voicemsg", "ann", "bob", "cat");
        var room = await team["ann"].CreateRoomAsync("standup", RoomVisibility.Private, team["bob"].Id);
        var bobChat = new ChatServiceClient(fixture.Server.Channel(team["bob"].Token));
        using var subscription = bobChat.Subscribe(new SubscribeRequest { Rooms = { new RoomCursor { RoomId = room.Id } } }, Minute);
        while (await subscription.ResponseStream.MoveNext() && subscription.ResponseStream.Current.Event.CaughtUp is null)
        {
        }

        // Sent as soon as the upload completes: the recording is still being processed.
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var wav = TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(0.5), TestAudio.Speak("open the budget room")));
        var recording = (await UploadStreamAsync(files, "standup.wav", "audio/wav", wav, 65536, room.Id)).File;
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, VoiceFileId = recording.Id, RequestId = "v1" })).Message;
        Assert.Equal(recording.Id, sent.Voice.FileId);
        Assert.Equal(string.Empty, sent.Text);
        Assert.NotEqual(TranscriptState.Unavailable, sent.Voice.TranscriptState);

        // Bob sees it posted, then its transcript attached, live.
        Message? attached = null;
        while (attached is null && await subscription.ResponseStream.MoveNext())
        {
            var roomEvent = subscription.ResponseStream.Current.Event.RoomEvent;
            if (roomEvent?.TranscriptAttached is { } message)
            {
                attached = message;
            }
            else if (roomEvent?.MessagePosted is { } posted && posted.Voice.TranscriptState == TranscriptState.Ready)
            {
                attached = posted; // transcribed before the message was sent: posted complete, no event follows
            }
        }

        Assert.NotNull(attached);
        Assert.Equal(sent.Id, attached.Id);
        Assert.Equal(TranscriptState.Ready, attached.Voice.TranscriptState);
        Assert.InRange(TestAudio.WordErrorRate("search for quarterly sales numbers open the budget room", attached.Voice.Transcript), 0, 0.6);
        Assert.InRange(attached.Voice.Duration.ToTimeSpan().TotalSeconds, 3, 10);
        var stored = (await bobChat.GetMessageAsync(new GetMessageRequest { RoomId = room.Id, MessageId = sent.Id })).Message;
        Assert.Equal(attached.Voice, stored.Voice);

        // Found as a message by a word only said; not by someone outside the room.
        var heard = TestAudio.Words(attached.Voice.Transcript).First(w => w is "quarterly" or "sales" or "numbers" or "budget");
        var search = new SearchServiceClient(fixture.Server.Channel(team["bob"].Token));
        await search.UntilAsync(new SearchRequest { Query = heard, Mode = SearchMode.Keyword }, r => r.Results.Any(x => x.Kind == SearchResultKind.Message && x.Id == sent.Id));
        var outsider = new SearchServiceClient(fixture.Server.Channel(team["cat"].Token));
        Assert.DoesNotContain((await outsider.SearchAsync(new SearchRequest { Query = heard, SkipHistory = true })).Results, x => x.Id == sent.Id);

        // A retried send is the same message, and deleting it leaves a tombstone without the recording.
        Assert.Equal(sent.Id, (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, VoiceFileId = recording.Id, RequestId = "v1" })).Message.Id);
        var tombstone = (await chat.DeleteMessageAsync(new DeleteMessageRequest { RoomId = room.Id, MessageId = sent.Id })).Message;
        Assert.Null(tombstone.Voice);
    }

    [Fact]
    public async Task A_voice_file_must_be_audio_shared_in_the_room()
    {
        var team = await Team.CreateAsync(fixture.Server, "voicebad", "ann");
        var room = await team["ann"].CreateRoomAsync("notes", RoomVisibility.Private);
        var elsewhere = await team["ann"].CreateRoomAsync("elsewhere", RoomVisibility.Private);
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var text = (await UploadStreamAsync(files, "notes.txt", "text/plain", "just words"u8.ToArray(), 4096, room.Id)).File;
        await WaitAsync(files, text.Id);
        var otherRoom = (await UploadStreamAsync(files, "memo.wav", "audio/wav", TestAudio.Wav(TestAudio.Silence(1)), 65536, elsewhere.Id)).File;
        var mine = (await UploadStreamAsync(files, "mine.wav", "audio/wav", TestAudio.Wav(TestAudio.Silence(1)), 65536)).File;

        async Task<string> RefusedAsync(string fileId)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, VoiceFileId = fileId }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            var violation = Assert.Single(refused.GetDetail<BadRequest>()!.FieldViolations);
            Assert.Equal("voice_file_id", violation.Field);
            return violation.Description;
        }

        Assert.Contains("not audio", await RefusedAsync(text.Id));
        Assert.Contains("not a file shared in this room", await RefusedAsync(otherRoom.Id));
        Assert.Contains("not a file shared in this room", await RefusedAsync(mine.Id));
        Assert.Contains("not a file shared in this room", await RefusedAsync("missing"));
        Assert.Contains("file id", await RefusedAsync(new string('x', 65)));
        Assert.Empty((await chat.ListMessagesAsync(new ListMessagesRequest { RoomId = room.Id })).Messages);
    }

    [Fact]
    public async Task A_recording_deleted_before_it_is_transcribed_leaves_the_message_with_no_transcript_to_wait_for()
    {
        var team = await Team.CreateAsync(fixture.Server, "voicegone", "ann");
        var room = await team["ann"].CreateRoomAsync("gone", RoomVisibility.Private);
        var files = new FileServiceClient(fixture.Server.Channel(team["ann"].Token));
        var chat = new ChatServiceClient(fixture.Server.Channel(team["ann"].Token));
        var recording = (await UploadStreamAsync(files, "gone.wav", "audio/wav", TestAudio.Wav(TestAudio.Speak("cancel")), 65536, room.Id)).File;
        var sent = (await chat.SendMessageAsync(new SendMessageRequest { RoomId = room.Id, VoiceFileId = recording.Id, Text = "listen" })).Message;
        await files.DeleteFileAsync(new DeleteFileRequest { FileId = recording.Id });

        var deadline = DateTime.UtcNow.AddSeconds(60);
        Message message;
        do
        {
            await Task.Delay(100);
            message = (await chat.GetMessageAsync(new GetMessageRequest { RoomId = room.Id, MessageId = sent.Id })).Message;
        }
        while (message.Voice.TranscriptState == TranscriptState.Pending && DateTime.UtcNow < deadline);

        // Deleted before or after its transcript: either way the message no longer waits.
        Assert.NotEqual(TranscriptState.Pending, message.Voice.TranscriptState);
        Assert.Equal("listen", message.Text);
    }
}
