using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Voice.Recognition;
using Files = Atom.Server.Tests.Files;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// One server for the voice API tests, with real pocketsphinx, espeak-ng and ffmpeg, and room for two live streams (two
/// at most for one user on the browser path); finished browser-path transcriptions are kept for a few seconds.
/// </summary>
public sealed class VoiceServer : IAsyncLifetime
{
    /// <summary>Long enough for a browser-path test to wait for a segment between two appends on a busy machine.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Long enough for a test to watch a transcription again once it finished; short enough to see it forgotten.</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromSeconds(8);

    private int _teams;

    public IdentityApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityApiServer.StartAsync("sqlite",
        "--Atom:Voice:Recognition:MaxStreams=2", $"--Atom:Voice:IdleTimeout={IdleTimeout}", "--Atom:Voice:MaxTranscriptionsPerUser=2", $"--Atom:Voice:FinishedRetention={FinishedRetention}",
        $"--Atom:Scanner:Address={Infrastructure.ClamdServer.UnixAddress}", "--Atom:Jobs:PollInterval=00:00:00.200");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public async Task<VoiceServiceClient> ClientAsync() => (await TeamAsync()).Voice;

    /// <summary>A new tenant with two users, ann and bob.</summary>
    public Task<Team> NewTeamAsync() => Team.CreateAsync(Server, $"voice{Interlocked.Increment(ref _teams)}", "ann", "bob");

    public async Task<(VoiceServiceClient Voice, FileServiceClient Files, VoiceServiceClient Other)> TeamAsync()
    {
        var team = await NewTeamAsync();
        return (new VoiceServiceClient(Server.Channel(team["ann"].Token)), new FileServiceClient(Server.Channel(team["ann"].Token)), new VoiceServiceClient(Server.Channel(team["bob"].Token)));
    }
}

/// <summary>
/// VoiceService end to end through the SDK: live transcription with partials and finals, the engine's capacity, audio
/// that is not what it claims, a stream that goes quiet, speech synthesis with the caller's profile, and bad requests.
/// </summary>
public sealed class VoiceApiTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    // A deadline from when each call starts: a test that hangs fails instead.
    private static CallOptions Minute => new() { Deadline = DateTime.UtcNow.AddMinutes(2) };

    [Fact]
    public async Task A_live_stream_gets_partials_while_speaking_and_numbered_finals_at_pauses()
    {
        var voice = await fixture.ClientAsync();
        var (_, samples, reference) = TestAudio.Librivox()[0];
        using var call = voice.Transcribe(Minute);
        await call.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        var reading = ReadAllAsync(call.ResponseStream);
        foreach (var chunk in samples.Chunk(1600))
        {
            await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan())) });
        }

        await call.RequestStream.CompleteAsync();
        var responses = await reading;

        Assert.Contains(responses, r => !r.Segment.Final);
        var finals = responses.Where(r => r.Segment.Final).Select(r => r.Segment).ToList();
        Assert.NotEmpty(finals);
        Assert.Equal(Enumerable.Range(0, finals.Count), finals.Select(f => f.Index));
        Assert.All(responses.Where(r => !r.Segment.Final), p => Assert.Contains(p.Segment.Index, finals.Select(f => f.Index)));
        Assert.True(finals.Zip(finals.Skip(1)).All(p => p.First.EndOffset.ToTimeSpan() <= p.Second.StartOffset.ToTimeSpan() + TimeSpan.FromMilliseconds(10)));
        var heard = string.Join(' ', finals.Select(f => f.Text));
        Assert.InRange(TestAudio.WordErrorRate(reference, heard), 0, 0.6);
    }

    [Fact]
    public async Task A_stored_audio_file_is_transcribed_with_progress_and_the_whole_transcript_last()
    {
        var (voice, files, other) = await fixture.TeamAsync();
        var wav = TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(1), TestAudio.Speak("open the budget room")));
        var audio = (await Files.Api.FileCalls.UploadStreamAsync(files, "memo.wav", "audio/wav", wav, 65536)).File;
        Assert.Equal(FileState.Ready, (await Files.Api.FileCalls.WaitAsync(files, audio.Id)).State);

        var responses = await ReadAllAsync(voice.TranscribeFile(new TranscribeFileRequest { FileId = audio.Id }, Minute).ResponseStream);
        var finals = responses.Where(r => r.Segment is not null).Select(r => r.Segment).ToList();
        Assert.NotEmpty(finals);
        Assert.All(finals, f => Assert.True(f.Final));
        Assert.Equal(Enumerable.Range(0, finals.Count), finals.Select(f => f.Index));
        Assert.Equal(responses[^1].Duration, responses[^1].Progress);
        Assert.Equal(string.Join(' ', finals.Select(f => f.Text)), responses[^1].Transcript);
        Assert.Contains(TestAudio.Words(responses[^1].Transcript), w => w is "search" or "sales" or "numbers" or "budget" or "room");

        // Another user cannot read it, and a file that is not audio is refused by its content.
        var hidden = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(other.TranscribeFile(new TranscribeFileRequest { FileId = audio.Id }, Minute).ResponseStream));
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        var text = (await Files.Api.FileCalls.UploadStreamAsync(files, "notes.txt", "text/plain", "just words"u8.ToArray(), 4096)).File;
        await Files.Api.FileCalls.WaitAsync(files, text.Id);
        var notAudio = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(voice.TranscribeFile(new TranscribeFileRequest { FileId = text.Id }, Minute).ResponseStream));
        Assert.Equal("file_id", Assert.Single(notAudio.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Beyond_the_engines_capacity_a_stream_is_refused_at_once_with_a_retry_delay()
    {
        var voice = await fixture.ClientAsync();
        using var first = voice.Transcribe(Minute);
        using var second = voice.Transcribe(Minute);
        await first.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        await second.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        await first.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(new byte[3200]) });
        await second.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(new byte[3200]) });

        // Both hold a decoder now; a third is refused before it sends any audio.
        await Task.Delay(500);
        using var third = voice.Transcribe(Minute);
        await third.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("ENGINE_BUSY", refused.GetDetail<ErrorInfo>()!.Reason);
        Assert.NotNull(refused.GetDetail<RetryInfo>());

        // A finished stream gives its decoder back.
        await first.RequestStream.CompleteAsync();
        await ReadAllAsync(first.ResponseStream);
        using var fourth = voice.Transcribe(Minute);
        await fourth.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        await fourth.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(new byte[3200]) });
        await fourth.RequestStream.CompleteAsync();
        await ReadAllAsync(fourth.ResponseStream);
        await second.RequestStream.CompleteAsync();
        await ReadAllAsync(second.ResponseStream);
    }

    [Fact]
    public async Task In_commands_mode_a_final_segment_carries_its_intent_with_the_room_hinted_and_the_text_said()
    {
        var voice = await fixture.ClientAsync();
        using var call = voice.Transcribe(Minute);
        var config = Config(AudioEncoding.Linear16, 16000);
        config.Config.Mode = RecognitionMode.Commands;
        config.Config.PhraseHints.Add("Engineering");
        await call.RequestStream.WriteAsync(config);
        var speech = TestAudio.Concat(TestAudio.Speak("send a message to engineering saying the build is green"), TestAudio.Silence(1));
        await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(speech.AsSpan())) });
        await call.RequestStream.CompleteAsync();

        var command = Assert.Single(await ReadAllAsync(call.ResponseStream), r => r.Segment.Final && r.Command is not null).Command;

        Assert.Equal(VoiceIntent.SendMessage, command.Intent);
        Assert.Equal("Engineering", command.Room);
        Assert.Equal("the build is green", command.Text);
        Assert.NotEmpty(command.Transcript);
    }

    [Fact]
    public async Task At_shutdown_a_live_stream_ends_with_unavailable_instead_of_holding_shutdown_up()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite");
        var team = await Team.CreateAsync(server, "shutdown", "ann");
        var voice = new VoiceServiceClient(server.Channel(team["ann"].Token));
        using var call = voice.Transcribe(Minute);
        await call.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        var speech = TestAudio.Speak("search for quarterly sales numbers");
        await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(speech.AsSpan())) });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "no segment before shutdown");

        // The caller is still "speaking" (its side is open) when the server begins to stop.
        var stopping = server.Test.Server.StopAsync();
        var end = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call.ResponseStream));
        await stopping;

        Assert.True(end.StatusCode == StatusCode.Unavailable, end.Status.ToString());
        Assert.Equal("SERVER_SHUTTING_DOWN", end.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_stream_that_stops_sending_without_closing_ends_after_the_idle_time_with_its_final_segment()
    {
        var voice = await fixture.ClientAsync();
        using var call = voice.Transcribe(Minute);
        await call.RequestStream.WriteAsync(Config(AudioEncoding.Linear16, 16000));
        var speech = TestAudio.Speak("search for quarterly sales numbers");
        await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(speech.AsSpan())) });

        var responses = await ReadAllAsync(call.ResponseStream);
        Assert.Contains(responses, r => r.Segment.Final && r.Segment.Text.Length > 0);
    }

    [Fact]
    public async Task Audio_that_is_not_what_it_claims_and_bad_configs_are_refused_naming_the_field()
    {
        var voice = await fixture.ClientAsync();

        async Task<RpcException> Refused(params TranscribeRequest[] requests)
        {
            using var call = voice.Transcribe(Minute);
            foreach (var request in requests)
            {
                await call.RequestStream.WriteAsync(request);
            }

            await call.RequestStream.CompleteAsync();
            var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call.ResponseStream));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            return error;
        }

        static string Field(RpcException e) => Assert.Single(e.GetDetail<BadRequest>()!.FieldViolations).Field;
        var wav = TestAudio.Wav(TestAudio.Speak("hello there"));

        Assert.Equal("config", Field(await Refused(new TranscribeRequest { Audio = ByteString.CopyFrom(wav) })));
        Assert.Equal("config.format.sample_rate_hertz", Field(await Refused(Config(AudioEncoding.Linear16, 0))));
        Assert.Equal("config.language", Field(await Refused(new TranscribeRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Wav }, Language = "fr-FR" } })));
        Assert.Equal("config.mode", Field(await Refused(new TranscribeRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Wav }, Mode = (RecognitionMode)7 } })));

        var mismatch = await Refused(Config(AudioEncoding.Linear16, 16000), new TranscribeRequest { Audio = ByteString.CopyFrom(wav) });
        Assert.Equal(("audio", "AUDIO_FORMAT_MISMATCH"), (Field(mismatch), mismatch.GetDetail<ErrorInfo>()!.Reason));

        var corrupt = await Refused(Config(AudioEncoding.Mp3, 0), new TranscribeRequest { Audio = ByteString.CopyFrom(new byte[] { 0xFF, 0xFB, 0x90, 0x00, 1, 2, 3, 4, 5, 6, 7, 8 }) });
        Assert.Equal("AUDIO_UNREADABLE", corrupt.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task Speech_is_streamed_with_its_format_first_and_its_length_last_and_the_profile_sets_the_pace()
    {
        var voice = await fixture.ClientAsync();
        Assert.Contains((await voice.ListVoicesAsync(new ListVoicesRequest { Language = "en" })).Voices, v => v.Name == "en-us");

        async Task<(AudioFormat Format, byte[] Audio, TimeSpan Length)> Say(SynthesizeRequest request)
        {
            var responses = await ReadAllAsync(voice.Synthesize(request, Minute).ResponseStream);
            return (responses[0].Format, [.. responses.SelectMany(r => r.Audio.ToByteArray())], responses[^1].Duration?.ToTimeSpan() ?? TimeSpan.Zero);
        }

        var text = "The quarterly numbers are in and they look good.";
        var normal = await Say(new SynthesizeRequest { Text = text });
        Assert.Equal(AudioEncoding.Wav, normal.Format.Encoding);
        Assert.Equal("RIFF"u8.ToArray(), normal.Audio[..4]);
        Assert.InRange(normal.Length, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        var pcm = await Say(new SynthesizeRequest { Text = text, Encoding = AudioEncoding.Linear16, SampleRateHertz = 16000 });
        Assert.Equal((AudioEncoding.Linear16, 16000), (pcm.Format.Encoding, pcm.Format.SampleRateHertz));
        Assert.Equal(pcm.Audio.Length / 2.0 / 16000, pcm.Length.TotalSeconds, 3);

        var mp3 = await Say(new SynthesizeRequest { Text = text, Encoding = AudioEncoding.Mp3 });
        Assert.Equal(AudioEncoding.Mp3, mp3.Format.Encoding);
        Assert.True(mp3.Audio.Length > 1000);

        var profile = await voice.UpdateVoiceProfileAsync(new UpdateVoiceProfileRequest
        {
            Profile = new Atom.V1.VoiceProfile { Rate = 0.5f, Voice = "en-us" },
            UpdateMask = new FieldMask { Paths = { "rate", "voice" } },
        });
        Assert.Equal(0.5f, profile.Profile.Rate);
        Assert.Equal(profile.Profile, (await voice.GetVoiceProfileAsync(new GetVoiceProfileRequest())).Profile);
        var slow = await Say(new SynthesizeRequest { Text = text });
        Assert.True(slow.Length > normal.Length * 1.4, $"{slow.Length} at half speed, {normal.Length} at normal speed");
        var fast = await Say(new SynthesizeRequest { Text = text, Rate = 2 });
        Assert.True(fast.Length < normal.Length, $"{fast.Length} at double speed, {normal.Length} at normal speed");
    }

    [Fact]
    public async Task Bad_speech_requests_are_refused_naming_the_field()
    {
        var voice = await fixture.ClientAsync();

        async Task<string> Refused(SynthesizeRequest request)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(voice.Synthesize(request, Minute).ResponseStream));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            return Assert.Single(error.GetDetail<BadRequest>()!.FieldViolations).Field;
        }

        Assert.Equal("text", await Refused(new SynthesizeRequest { Text = "" }));
        Assert.Equal("text", await Refused(new SynthesizeRequest { Text = "<b></b>\u0001" }));
        Assert.Equal("text", await Refused(new SynthesizeRequest { Text = new string('a', 100_000) }));
        Assert.Equal("rate", await Refused(new SynthesizeRequest { Text = "hi", Rate = 5 }));
        Assert.Equal("voice", await Refused(new SynthesizeRequest { Text = "hi", Voice = "no-such-voice" }));
        Assert.Equal("encoding", await Refused(new SynthesizeRequest { Text = "hi", Encoding = AudioEncoding.Flac }));
        Assert.Equal("sample_rate_hertz", await Refused(new SynthesizeRequest { Text = "hi", SampleRateHertz = 100 }));

        // Markup is read as text, never obeyed.
        var spoken = await ReadAllAsync(voice.Synthesize(new SynthesizeRequest { Text = "<speak><break time=\"10s\"/>hi</speak>" }, Minute).ResponseStream);
        Assert.True(spoken[^1].Duration.ToTimeSpan() < TimeSpan.FromSeconds(5));

        var mask = await Assert.ThrowsAsync<RpcException>(() => voice.UpdateVoiceProfileAsync(new UpdateVoiceProfileRequest { Profile = new Atom.V1.VoiceProfile(), UpdateMask = new FieldMask { Paths = { "volume" } } }).ResponseAsync);
        Assert.Equal("update_mask", Assert.Single(mask.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    private static TranscribeRequest Config(AudioEncoding encoding, int rate) =>
        new() { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = encoding, SampleRateHertz = rate } } };

    private static async Task<List<T>> ReadAllAsync<T>(IAsyncStreamReader<T> stream)
    {
        var all = new List<T>();
        while (await stream.MoveNext(CancellationToken.None))
        {
            all.Add(stream.Current);
        }

        return all;
    }
}
