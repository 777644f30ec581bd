using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Voice.Recognition;
using Atom.V1;
using Google.Protobuf;
using static Atom.Server.Tests.Files.Api.FileCalls;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// Audio longer than the server's limit (here 3 s): a live stream and a stored file are transcribed up to the limit and
/// then refused as AUDIO_TOO_LONG, and the files pipeline keeps the start of the transcript, marked truncated.
/// </summary>
public sealed class VoiceLimitTests : IAsyncLifetime
{
    private IdentityApiServer _server = null!;

    private static CallOptions Minute => new() { Deadline = DateTime.UtcNow.AddMinutes(2) };

    public async Task InitializeAsync() => _server = await IdentityApiServer.StartAsync("sqlite",
        "--Atom:Voice:Audio:MaxDuration=00:00:03", $"--Atom:Scanner:Address={Infrastructure.ClamdServer.UnixAddress}", "--Atom:Jobs:PollInterval=00:00:00.200");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Audio_past_the_limit_is_transcribed_up_to_it_then_refused_as_too_long()
    {
        var team = await Team.CreateAsync(_server, "limits", "ann");
        var voice = new VoiceServiceClient(_server.Channel(team["ann"].Token));
        var files = new FileServiceClient(_server.Channel(team["ann"].Token));
        var speech = TestAudio.Concat(TestAudio.Speak("open the budget room"), TestAudio.Silence(0.7), TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(3));

        // Live: the words before the limit come as finals, then the call fails naming the limit.
        using var call = voice.Transcribe(Minute);
        await call.RequestStream.WriteAsync(new TranscribeRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Linear16, SampleRateHertz = 16000 } } });
        var finals = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.Segment is { Final: true } segment)
                {
                    finals.Add(segment.Text);
                }
            }
        });
        try
        {
            foreach (var chunk in speech.Chunk(3200))
            {
                await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan())) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the call while audio is still being sent.
        }

        var live = await Assert.ThrowsAsync<RpcException>(() => reading);
        Assert.Equal(StatusCode.InvalidArgument, live.StatusCode);
        Assert.Equal("AUDIO_TOO_LONG", live.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal("3", live.GetDetail<ErrorInfo>()!.Metadata["limit_seconds"]);
        Assert.Contains(TestAudio.Words(string.Join(' ', finals)), w => w is "open" or "budget" or "room");

        // Stored: the files pipeline keeps what was said before the limit, marked truncated; TranscribeFile says too long.
        var uploaded = (await UploadStreamAsync(files, "long.wav", "audio/wav", TestAudio.Wav(speech), 65536)).File;
        var file = await WaitAsync(files, uploaded.Id);
        Assert.Equal("truncated", file.Metadata["transcription"]);
        Assert.True(file.TextTruncated);
        var stored = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var transcribe = voice.TranscribeFile(new TranscribeFileRequest { FileId = uploaded.Id }, Minute);
            while (await transcribe.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal("AUDIO_TOO_LONG", stored.GetDetail<ErrorInfo>()!.Reason);
    }
}
