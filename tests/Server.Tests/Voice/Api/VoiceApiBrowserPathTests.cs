using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Atom.Google.Rpc;
using Atom.Sdk;
using Atom.Server.Tests.Chat.Api;
using Atom.Server.Tests.Identity.Api;
using Atom.Server.Tests.Voice.Recognition;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Atom.Server.Tests.Voice.Api;

/// <summary>
/// The browser path of live transcription end to end, on a server of its own with real pocketsphinx: StartTranscription,
/// AppendAudio at byte offsets (retries skipped exactly, gaps refused), WatchTranscript replaying from the first segment
/// for any watcher, the idle timeout, the owner check, the caps, and the same calls over JSON REST.
/// </summary>
public sealed class VoiceApiBrowserPathTests(VoiceServer fixture) : IClassFixture<VoiceServer>
{
    private const int Second = 32000; // bytes of 16 kHz mono LINEAR16

    private static CallOptions Minute => new() { Deadline = DateTime.UtcNow.AddMinutes(2) };

    [Fact]
    public async Task Appended_chunks_with_a_retried_overlap_are_transcribed_as_the_live_stream_transcribes_them()
    {
        var voice = await fixture.ClientAsync();
        var (_, samples, reference) = TestAudio.Librivox()[0];
        var audio = MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();

        var started = await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute);
        Assert.Matches("^tr_[0-9a-f]{32}$", started.TranscriptionId);
        Assert.Equal((VoiceServer.IdleTimeout, 256 * 1024), (started.IdleTimeout.ToTimeSpan(), started.MaxChunkBytes));
        var id = started.TranscriptionId;
        var watching = WatchAsync(voice, id);

        // Each chunk a second long; every third one is sent again from half a second back, as a client that lost the
        // response would: the overlap must be skipped to the byte, or the samples after it would be misaligned noise.
        var fresh = new List<byte[]>();
        long received = 0;
        for (var (offset, n) = (0, 0); offset < audio.Length; n++)
        {
            var from = n % 3 == 2 ? offset - Second / 2 : offset;
            var to = Math.Min(audio.Length, offset + Second);
            var response = await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = from, Audio = ByteString.CopyFrom(audio, from, to - from) }, Minute);
            Assert.Equal(to, response.ReceivedBytes);
            fresh.Add(audio[offset..to]);
            (offset, received) = (to, response.ReceivedBytes);
        }

        // A retry of bytes all received changes nothing; the last append ends the audio.
        Assert.Equal(received, (await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = 0, Audio = ByteString.CopyFrom(audio, 0, 1000) }, Minute)).ReceivedBytes);
        Assert.Equal(received, (await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = received, Last = true }, Minute)).ReceivedBytes);
        var watched = await watching;

        Assert.Contains(watched, r => !r.Segment.Final);
        var finals = watched.Where(r => r.Segment.Final).Select(r => r.Segment).ToList();
        Assert.Equal(Enumerable.Range(0, finals.Count), finals.Select(f => f.Index));
        Assert.All(watched.Where(r => !r.Segment.Final), p => Assert.Contains(p.Segment.Index, finals.Select(f => f.Index)));
        Assert.InRange(TestAudio.WordErrorRate(reference, string.Join(' ', finals.Select(f => f.Text))), 0, 0.6);

        // Finished, it is kept for a while: a watcher who comes late gets the whole transcript, then the end.
        var late = await WatchAsync(voice, id);
        Assert.Equal(finals, late.Select(r => r.Segment));

        // Transcribe, fed the same bytes in the same pieces, hears the same but for a word or two: the engine's pooled
        // decoders carry what they adapted to from one session to the next, so even two Transcribe calls differ that much.
        using var call = voice.Transcribe(Minute);
        await call.RequestStream.WriteAsync(new TranscribeRequest { Config = Linear16() });
        var streaming = ReadAllAsync(call.ResponseStream);
        foreach (var chunk in fresh)
        {
            await call.RequestStream.WriteAsync(new TranscribeRequest { Audio = ByteString.CopyFrom(chunk) });
        }

        await call.RequestStream.CompleteAsync();
        var streamed = (await streaming).Where(r => r.Segment.Final).Select(r => r.Segment.Text).ToList();
        Assert.True(TestAudio.WordErrorRate(string.Join(' ', streamed), string.Join(' ', finals.Select(f => f.Text))) <= 0.35,
            $"browser path: {string.Join(" | ", finals.Select(f => f.Text))}\nTranscribe: {string.Join(" | ", streamed)}");

    }

    [Fact]
    public async Task A_watcher_who_joins_midway_gets_the_segments_so_far_then_follows_with_the_others()
    {
        var voice = await fixture.ClientAsync();
        var before = Pcm(TestAudio.Concat(TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(1)));
        var after = Pcm(TestAudio.Concat(TestAudio.Speak("open the budget room"), TestAudio.Silence(0.5)));
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        var seen = new ConcurrentQueue<WatchTranscriptResponse>();
        var first = WatchAsync(voice, id, seen);
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(before) }, Minute);
        var deadline = DateTime.UtcNow + VoiceServer.IdleTimeout;
        while (!seen.Any(r => r.Segment.Final))
        {
            Assert.True(DateTime.UtcNow < deadline, "no final segment for the first utterance before the idle timeout");
            await Task.Delay(50);
        }

        var second = WatchAsync(voice, id);
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = before.Length, Audio = ByteString.CopyFrom(after), Last = true }, Minute);

        var all = (await first).Where(r => r.Segment.Final).Select(r => r.Segment).ToList();
        var joined = (await second).Where(r => r.Segment.Final).Select(r => r.Segment).ToList();
        Assert.True(all.Count >= 2, string.Join(" | ", all.Select(s => s.Text)));
        Assert.Equal(all, joined);
    }

    [Fact]
    public async Task A_finished_transcription_is_kept_a_while_for_late_watchers_then_forgotten()
    {
        var voice = await fixture.ClientAsync();
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(new byte[Second]), Last = true }, Minute);
        Assert.Empty(await WatchAsync(voice, id));
        Assert.Empty(await WatchAsync(voice, id));

        var deadline = DateTime.UtcNow + VoiceServer.FinishedRetention + TimeSpan.FromSeconds(30);
        RpcException? gone = null;
        while (gone is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            gone = await Record.ExceptionAsync(() => WatchAsync(voice, id)) as RpcException;
        }

        Assert.Equal(StatusCode.NotFound, gone?.StatusCode);
    }

    [Fact]
    public async Task Another_users_or_tenants_transcription_is_not_found_as_one_that_does_not_exist()
    {
        var (voice, _, colleague) = await fixture.TeamAsync();
        var stranger = await fixture.ClientAsync();
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;

        async Task<string> NotFound(VoiceServiceClient client, string transcription)
        {
            var append = await Assert.ThrowsAsync<RpcException>(() => client.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = transcription, Audio = ByteString.CopyFrom(new byte[320]) }, Minute).ResponseAsync);
            var watch = await Assert.ThrowsAsync<RpcException>(() => WatchAsync(client, transcription));
            Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (append.StatusCode, watch.StatusCode));
            Assert.Equal(append.Status.Detail, watch.Status.Detail);
            return append.Status.Detail.Replace(transcription, "ID", StringComparison.Ordinal);
        }

        var missing = await NotFound(voice, "tr_" + new string('0', 32));
        Assert.Equal(missing, await NotFound(colleague, id));
        Assert.Equal(missing, await NotFound(stranger, id));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = "../tr_1" }, Minute).ResponseAsync);
        Assert.Equal("transcription_id", Field(malformed));

        // Nothing they tried reached it: its owner still appends from 0.
        Assert.Equal(320, (await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(new byte[320]), Last = true }, Minute)).ReceivedBytes);
        await WatchAsync(voice, id);
    }

    [Fact]
    public async Task Gaps_negative_offsets_oversized_chunks_and_audio_after_the_last_are_refused_precisely()
    {
        var voice = await fixture.ClientAsync();
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        Task<AppendAudioResponse> Append(long offset, int bytes, bool last = false) =>
            voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = offset, Audio = ByteString.CopyFrom(new byte[bytes]), Last = last }, Minute).ResponseAsync;

        Assert.Equal(3200, (await Append(0, 3200)).ReceivedBytes);
        var gap = await Assert.ThrowsAsync<RpcException>(() => Append(6400, 3200));
        Assert.Equal(StatusCode.FailedPrecondition, gap.StatusCode);
        Assert.Equal("3200", gap.GetDetail<ErrorInfo>()!.Metadata["received_bytes"]);
        Assert.Equal("offset", Field(gap));
        Assert.Contains("received_bytes", gap.Status.Detail, StringComparison.Ordinal);

        Assert.Equal("offset", Field(await Assert.ThrowsAsync<RpcException>(() => Append(-1, 3200))));
        var oversized = await Assert.ThrowsAsync<RpcException>(() => Append(3200, 256 * 1024 + 2));
        Assert.Equal((StatusCode.InvalidArgument, "audio"), (oversized.StatusCode, Field(oversized)));

        // None of the refused bytes counted; the last append ends the audio, and its retry is answered as it was.
        Assert.Equal(6400, (await Append(3200, 3200, last: true)).ReceivedBytes);
        Assert.Equal(6400, (await Append(3200, 3200, last: true)).ReceivedBytes);
        var after = await Assert.ThrowsAsync<RpcException>(() => Append(6400, 3200));
        Assert.Equal((StatusCode.FailedPrecondition, "6400"), (after.StatusCode, after.GetDetail<ErrorInfo>()!.Metadata["received_bytes"]));
        await WatchAsync(voice, id);

        var config = await Assert.ThrowsAsync<RpcException>(() => voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Linear16 } } }, Minute).ResponseAsync);
        Assert.Equal("config.format.sample_rate_hertz", Field(config));
        Assert.Equal("config", Field(await Assert.ThrowsAsync<RpcException>(() => voice.StartTranscriptionAsync(new StartTranscriptionRequest(), Minute).ResponseAsync)));
    }

    [Fact]
    public async Task Audio_that_is_not_what_it_claims_ends_the_transcription_and_its_watchers_hear_why()
    {
        var voice = await fixture.ClientAsync();
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Wav } } }, Minute)).TranscriptionId;
        var watching = WatchAsync(voice, id);

        var refused = await Assert.ThrowsAsync<RpcException>(() => voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFromUtf8("this is not a wav file, just words") }, Minute).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "audio"), (refused.StatusCode, Field(refused)));
        var watched = await Assert.ThrowsAsync<RpcException>(() => watching);
        Assert.Equal((refused.StatusCode, refused.GetDetail<ErrorInfo>()!.Reason), (watched.StatusCode, watched.GetDetail<ErrorInfo>()!.Reason));
        var again = await Assert.ThrowsAsync<RpcException>(() => voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(new byte[44]) }, Minute).ResponseAsync);
        Assert.Equal(refused.GetDetail<ErrorInfo>()!.Reason, again.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task A_transcription_nobody_appends_to_ends_after_the_idle_time_with_its_final_segment()
    {
        var voice = await fixture.ClientAsync();
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        var speech = Pcm(TestAudio.Speak("search for quarterly sales numbers"));
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(speech) }, Minute);

        var watched = await WatchAsync(voice, id);
        Assert.True(watched[^1].Segment.Final);
        Assert.Contains(TestAudio.Words(string.Join(' ', watched.Where(r => r.Segment.Final).Select(r => r.Segment.Text))), w => w is "search" or "sales" or "numbers");
        var late = await Assert.ThrowsAsync<RpcException>(() => voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = speech.Length, Audio = ByteString.CopyFrom(new byte[320]) }, Minute).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains("no audio came", late.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Beyond_the_users_cap_or_the_engines_capacity_a_start_is_refused_and_ended_ones_give_their_slot_back()
    {
        var (voice, _, colleague) = await fixture.TeamAsync();
        var first = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        var second = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;

        var capped = await Assert.ThrowsAsync<RpcException>(() => voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute).ResponseAsync);
        Assert.Equal((StatusCode.ResourceExhausted, "QUOTA_EXCEEDED", "2"), (capped.StatusCode, capped.GetDetail<ErrorInfo>()!.Reason, capped.GetDetail<ErrorInfo>()!.Metadata["limit"]));
        var busy = await Assert.ThrowsAsync<RpcException>(() => colleague.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute).ResponseAsync);
        Assert.Equal((StatusCode.ResourceExhausted, "ENGINE_BUSY"), (busy.StatusCode, busy.GetDetail<ErrorInfo>()!.Reason));
        Assert.NotNull(busy.GetDetail<RetryInfo>());

        // One ended by its last append, one abandoned (the idle timeout ends it): both give their decoders back.
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = first, Audio = ByteString.CopyFrom(new byte[3200]), Last = true }, Minute);
        await WatchAsync(voice, first);
        var third = (await colleague.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        await WatchAsync(voice, second);
        var fourth = (await colleague.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        foreach (var id in new[] { third, fourth })
        {
            await colleague.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Last = true }, Minute);
            Assert.Empty(await WatchAsync(colleague, id));
        }
    }

    [Fact]
    public async Task At_shutdown_a_live_transcription_ends_and_its_watcher_hears_unavailable_instead_of_holding_shutdown_up()
    {
        await using var server = await IdentityApiServer.StartAsync("sqlite");
        var team = await Team.CreateAsync(server, "shutdown", "ann");
        var voice = new VoiceServiceClient(server.Channel(team["ann"].Token));
        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = Linear16() }, Minute)).TranscriptionId;
        var seen = new ConcurrentQueue<WatchTranscriptResponse>();
        var watching = WatchAsync(voice, id, seen);
        await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Audio = ByteString.CopyFrom(Pcm(TestAudio.Speak("search for quarterly sales numbers"))) }, Minute);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "no segment in 30 s");
            await Task.Delay(50);
        }

        var stopping = server.Test.Server.StopAsync();
        var end = await Assert.ThrowsAsync<RpcException>(() => watching);
        await stopping;

        Assert.True(end.StatusCode == StatusCode.Unavailable, end.Status.ToString());
        Assert.Equal("SERVER_SHUTTING_DOWN", end.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task The_rest_face_starts_appends_base64_audio_and_streams_the_transcript_as_ndjson()
    {
        var team = await fixture.NewTeamAsync();
        using var rest = fixture.Server.Rest(team["ann"].Token);
        var wav = TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("open the budget room"), TestAudio.Silence(0.5)));

        using var started = await rest.PostAsJsonAsync("/v1/transcriptions", new { config = new { format = new { encoding = "AUDIO_ENCODING_WAV" }, finalsOnly = true } });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var id = JsonParser.Default.Parse<StartTranscriptionResponse>(await started.Content.ReadAsStringAsync()).TranscriptionId;

        // The header split across appends, as a browser's recorder would send it.
        var cut = 20;
        using var head = await rest.PostAsJsonAsync($"/v1/transcriptions/{id}:append", new { offset = 0, audio = Convert.ToBase64String(wav, 0, cut) });
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var gap = await rest.PostAsJsonAsync($"/v1/transcriptions/{id}:append", new { offset = cut + 1, audio = Convert.ToBase64String(wav, cut + 1, 10) });
        var status = new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor)))
            .Parse<Atom.Google.Rpc.Status>(await gap.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.BadRequest, (int)StatusCode.FailedPrecondition), (gap.StatusCode, status.Code));
        Assert.Equal(cut.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>().Metadata["received_bytes"]);
        using var tail = await rest.PostAsJsonAsync($"/v1/transcriptions/{id}:append", new { offset = cut, audio = Convert.ToBase64String(wav, cut, wav.Length - cut), last = true });
        Assert.Equal(wav.Length, JsonParser.Default.Parse<AppendAudioResponse>(await tail.Content.ReadAsStringAsync()).ReceivedBytes);

        using var watch = await rest.GetAsync($"/v1/transcriptions/{id}:watch", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("application/x-ndjson", watch.Content.Headers.ContentType?.MediaType);
        var lines = (await watch.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var segments = lines.Select(l => JsonParser.Default.Parse<WatchTranscriptResponse>(l).Segment).ToList();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.True(s.Final));
        Assert.Contains(TestAudio.Words(string.Join(' ', segments.Select(s => s.Text))), w => w is "open" or "budget" or "room");
    }

    [Fact]
    public async Task Over_grpc_web_as_a_browser_speaks_it_the_same_calls_transcribe_a_wav_sent_in_pieces()
    {
        var team = await fixture.NewTeamAsync();
        var voice = new VoiceServiceClient(fixture.Server.Channel(team["ann"].Token, Face.GrpcWeb));
        var wav = TestAudio.Wav(TestAudio.Concat(TestAudio.Speak("search for quarterly sales numbers"), TestAudio.Silence(0.5)));

        var id = (await voice.StartTranscriptionAsync(new StartTranscriptionRequest { Config = new TranscriptionConfig { Format = new AudioFormat { Encoding = AudioEncoding.Wav } } }, Minute)).TranscriptionId;
        var watching = WatchAsync(voice, id);
        foreach (var offset in Enumerable.Range(0, (wav.Length + 9999) / 10000).Select(i => i * 10000))
        {
            var length = Math.Min(10000, wav.Length - offset);
            await voice.AppendAudioAsync(new AppendAudioRequest { TranscriptionId = id, Offset = offset, Audio = ByteString.CopyFrom(wav, offset, length), Last = offset + length == wav.Length }, Minute);
        }

        var finals = (await watching).Where(r => r.Segment.Final).Select(r => r.Segment.Text);
        Assert.Contains(TestAudio.Words(string.Join(' ', finals)), w => w is "search" or "sales" or "numbers");
    }

    private static TranscriptionConfig Linear16() => new() { Format = new AudioFormat { Encoding = AudioEncoding.Linear16, SampleRateHertz = 16000 } };

    private static byte[] Pcm(short[] samples) => MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();

    private static string Field(RpcException e) => Assert.Single(e.GetDetail<BadRequest>()!.FieldViolations).Field;

    // Follows a transcription to its end; each segment also goes to seen as it comes, for a test to act on.
    private static async Task<List<WatchTranscriptResponse>> WatchAsync(VoiceServiceClient voice, string id, ConcurrentQueue<WatchTranscriptResponse>? seen = null)
    {
        using var call = voice.WatchTranscript(new WatchTranscriptRequest { TranscriptionId = id }, Minute);
        var all = new List<WatchTranscriptResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            all.Add(call.ResponseStream.Current);
            seen?.Enqueue(call.ResponseStream.Current);
        }

        return all;
    }

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
