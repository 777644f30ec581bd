using Atom.Sdk;
using Atom.Server.Identity.Authorization;
using Atom.Server.Rpc;
using Atom.Server.Voice.Api.Internal;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Profiles;
using Atom.Server.Voice.Recognition;
using Atom.Server.Voice.Synthesis;
using Atom.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Atom.Server.Voice.Api;

/// <summary>
/// Implements atom.v1.VoiceService: live speech-to-text over a bidirectional stream, text-to-speech as a server stream,
/// stored audio files to text, voices and each caller's voice profile. The browser path of live transcription
/// (StartTranscription, AppendAudio, WatchTranscript) recognises the same way as Transcribe, through <see cref="LiveRecognition"/>.
/// </summary>
/// <param name="recognizer">Speech to text.</param>
/// <param name="decoders">Turns what callers send into 16 kHz mono samples.</param>
/// <param name="synthesizer">Text to speech.</param>
/// <param name="profiles">Callers' voice profiles.</param>
/// <param name="transcriptions">The live transcriptions of the browser path.</param>
/// <param name="files">Stored audio files.</param>
/// <param name="fileDecoder">Decodes whole audio files.</param>
/// <param name="speech">The synthesizer's settings, for the default voice.</param>
/// <param name="options">The voice API's settings.</param>
/// <param name="lifetime">Ends live streams when the server begins to stop.</param>
internal sealed class VoiceApi(
    ISpeechRecognizer recognizer,
    AudioDecoderFactory decoders,
    ISpeechSynthesizer synthesizer,
    VoiceProfileStore profiles,
    LiveTranscriptions transcriptions,
    IVoiceFiles files,
    AudioFileDecoder fileDecoder,
    SpeechSynthesisOptions speech,
    IOptions<VoiceApiOptions> options,
    IHostApplicationLifetime lifetime) : VoiceServiceBase
{
    private readonly VoiceApiOptions settings = options.Value;

    /// <inheritdoc />
    public override async Task Transcribe(IAsyncStreamReader<TranscribeRequest> requests, IAsyncStreamWriter<TranscribeResponse> responses, ServerCallContext context)
    {
        var token = context.CancellationToken;
        if (!await requests.MoveNext(token) || requests.Current.KindCase != TranscribeRequest.KindOneofCase.Config)
        {
            throw AtomErrors.InvalidField("config", "the first message must carry the config; audio follows it.");
        }

        await using var live = await LiveRecognition.StartAsync(requests.Current.Config, "config", recognizer, decoders, token);

        // Audio is read and decoded while recognition runs on what was decoded so far. A failure while reading (bad
        // audio, a message that is not audio) stops the recognising side too, and is what the caller is told. A server
        // that begins to stop ends the stream too, rather than hold shutdown up while someone talks: the caller is told
        // to go elsewhere, as chat's streams are.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, lifetime.ApplicationStopping);
        var feeding = FeedAsync(requests, live, stop);
        try
        {
            await live.RunAsync(response => new ValueTask(responses.WriteAsync(response, token)), stop.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !token.IsCancellationRequested)
        {
            await feeding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw AtomErrors.Exception(StatusCode.Unavailable, ErrorReason.ServerShuttingDown, "The server is shutting down: transcribe again, on another server or in a moment.");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !token.IsCancellationRequested)
        {
            // Otherwise only the reading side cancels stop on its own, when it fails: its error, awaited below, is the caller's.
        }
        catch
        {
            // The reading side must be done before the decoder it writes to is disposed.
            await stop.CancelAsync();
            await feeding.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await feeding;
    }

    /// <inheritdoc />
    public override async Task<StartTranscriptionResponse> StartTranscription(StartTranscriptionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var transcription = await transcriptions.StartAsync(caller.TenantId, caller.PrincipalId, request.Config, context.CancellationToken);
        return new StartTranscriptionResponse
        {
            TranscriptionId = transcription.Id,
            IdleTimeout = Duration.FromTimeSpan(settings.IdleTimeout),
            MaxChunkBytes = settings.MaxChunkBytes,
        };
    }

    /// <inheritdoc />
    public override async Task<AppendAudioResponse> AppendAudio(AppendAudioRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var transcription = transcriptions.Find(caller.TenantId, caller.PrincipalId, request.TranscriptionId);
        if (request.Offset < 0)
        {
            throw AtomErrors.InvalidField("offset", "must not be negative: where these bytes start in the audio sent so far.");
        }

        if (request.Audio.Length > settings.MaxChunkBytes)
        {
            throw AtomErrors.InvalidField("audio", $"{request.Audio.Length} bytes is more than the {settings.MaxChunkBytes} one append may carry (max_chunk_bytes); send it in parts.");
        }

        return new AppendAudioResponse { ReceivedBytes = await transcription.AppendAsync(request.Offset, request.Audio.Memory, request.Last, context.CancellationToken) };
    }

    /// <inheritdoc />
    public override Task WatchTranscript(WatchTranscriptRequest request, IAsyncStreamWriter<WatchTranscriptResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        return transcriptions.Find(caller.TenantId, caller.PrincipalId, request.TranscriptionId)
            .WatchAsync(r => responses.WriteAsync(new WatchTranscriptResponse { Segment = r.Segment, Command = r.Command }, token), token);
    }

    /// <inheritdoc />
    public override async Task TranscribeFile(TranscribeFileRequest request, IAsyncStreamWriter<TranscribeFileResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        if (request.FileId.Length is 0 or > 64 || request.FileId.Any(char.IsControl))
        {
            throw AtomErrors.InvalidField("file_id", "must be a file id of 1 to 64 printable characters.");
        }

        var recognition = VoiceRules.Recognition(string.Empty, request.Mode, request.Language, []);
        var directory = Directory.CreateTempSubdirectory("atom-transcribe-");
        try
        {
            var path = Path.Combine(directory.FullName, "audio");
            _ = await files.CopyAsync(caller, request.FileId, path, token) ?? throw RpcErrors.NotFound("file", request.FileId);
            DecodedAudio audio;
            try
            {
                audio = await fileDecoder.DecodeAsync(path, token);
            }
            catch (AudioFormatException e)
            {
                throw VoiceErrors.Audio(e);
            }
            catch (AudioDecoderUnavailableException e)
            {
                throw VoiceErrors.Unavailable(e.Message);
            }

            // A second of audio at a time, so segments and progress arrive while the rest is decoded.
            await using var session = await VoiceErrors.MapAsync(() => recognizer.StartAsync(recognition, token).AsTask());
            var duration = Duration.FromTimeSpan(audio.Duration);
            var transcript = new List<string>();
            var index = 0;
            async Task SendAsync(IReadOnlyList<Recognition.TranscriptSegment> segments, TimeSpan done)
            {
                foreach (var segment in segments.Where(s => s.IsFinal && s.Text.Length > 0))
                {
                    transcript.Add(segment.Text);
                    await responses.WriteAsync(new TranscribeFileResponse
                    {
                        Segment = new Atom.V1.TranscriptSegment
                        {
                            Index = index++, Text = segment.Text, Final = true, StartOffset = Duration.FromTimeSpan(segment.Start),
                            EndOffset = Duration.FromTimeSpan(segment.End), Confidence = segment.Confidence ?? 0,
                        },
                        Progress = Duration.FromTimeSpan(done),
                        Duration = duration,
                    }, token);
                }
            }

            var second = AudioSourceFormat.TargetSampleRate;
            for (var offset = 0; offset < audio.Samples.Length; offset += second)
            {
                var length = Math.Min(second, audio.Samples.Length - offset);
                var segments = session.Accept(audio.Samples.AsSpan(offset, length));
                var done = TimeSpan.FromSeconds((double)(offset + length) / second);
                await SendAsync(segments, done);
                if (segments.Count == 0 && (offset / second) % 10 == 9)
                {
                    await responses.WriteAsync(new TranscribeFileResponse { Progress = Duration.FromTimeSpan(done), Duration = duration }, token);
                }
            }

            await SendAsync(await session.CompleteAsync(token), audio.Duration);
            await responses.WriteAsync(new TranscribeFileResponse { Progress = duration, Duration = duration, Transcript = string.Join(' ', transcript) }, token);
            if (audio.Truncated)
            {
                throw VoiceErrors.TooLong(decoders.Options.MaxDuration);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public override async Task Synthesize(SynthesizeRequest request, IAsyncStreamWriter<SynthesizeResponse> responses, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var profile = await profiles.GetAsync(caller.TenantId, caller.PrincipalId, token);
        var synthesis = VoiceRules.Synthesis(request, profile);
        var format = new AudioFormat
        {
            Encoding = synthesis.Format switch
            {
                SynthesisFormat.Pcm => AudioEncoding.Linear16,
                SynthesisFormat.Mp3 => AudioEncoding.Mp3,
                SynthesisFormat.OggOpus => AudioEncoding.Ogg,
                _ => AudioEncoding.Wav,
            },
            SampleRateHertz = synthesis.OutputSampleRate,
            Channels = 1,
        };

        long bytes = 0;
        var first = true;
        try
        {
            await foreach (var chunk in synthesizer.SynthesizeAsync(synthesis, token))
            {
                var message = new SynthesizeResponse { Audio = ByteString.CopyFrom(chunk.Data.Span) };
                if (first)
                {
                    message.Format = format;
                    first = false;
                }

                bytes += chunk.Data.Length;
                await responses.WriteAsync(message, token);
            }
        }
        catch (SynthesisRequestException e)
        {
            throw AtomErrors.InvalidField(VoiceRules.SynthesisField(e.Field), e.Message);
        }
        catch (SpeechSynthesisUnavailableException e)
        {
            throw VoiceErrors.Unavailable(e.Message);
        }

        // The length is known exactly for uncompressed audio; a compressed stream's is in its own headers.
        if (synthesis.Format is SynthesisFormat.Pcm or SynthesisFormat.Wav)
        {
            var samples = (bytes - (synthesis.Format == SynthesisFormat.Wav ? 44 : 0)) / 2;
            await responses.WriteAsync(new SynthesizeResponse { Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds((double)samples / synthesis.OutputSampleRate)) }, token);
        }
    }

    /// <inheritdoc />
    public override async Task<ListVoicesResponse> ListVoices(ListVoicesRequest request, ServerCallContext context)
    {
        IReadOnlyList<SynthesisVoice> voices;
        try
        {
            voices = await synthesizer.ListVoicesAsync(context.CancellationToken);
        }
        catch (SpeechSynthesisUnavailableException e)
        {
            throw VoiceErrors.Unavailable(e.Message);
        }

        var response = new ListVoicesResponse
        {
            DefaultVoice = string.Equals(speech.Provider, SpeechSynthesisOptions.OpenAiProvider, StringComparison.OrdinalIgnoreCase) ? speech.OpenAi.DefaultVoice : speech.Espeak.DefaultVoice,
        };
        response.Voices.AddRange(voices
            .Where(v => request.Language.Length == 0 || v.Languages.Any(l => l.StartsWith(request.Language, StringComparison.OrdinalIgnoreCase)))
            .Select(v => new Atom.V1.Voice { Name = v.Name, DisplayName = v.DisplayName, Language = v.Languages.Count > 0 ? v.Languages[0] : string.Empty }));
        return response;
    }

    /// <inheritdoc />
    public override async Task<GetVoiceProfileResponse> GetVoiceProfile(GetVoiceProfileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        return new GetVoiceProfileResponse { Profile = VoiceRules.ToProto(await profiles.GetAsync(caller.TenantId, caller.PrincipalId, context.CancellationToken)) };
    }

    /// <inheritdoc />
    public override async Task<UpdateVoiceProfileResponse> UpdateVoiceProfile(UpdateVoiceProfileRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var token = context.CancellationToken;
        var changes = request.Profile ?? throw AtomErrors.InvalidField("profile", "is required.");
        var paths = request.UpdateMask?.Paths;
        if (paths is null || paths.Count == 0)
        {
            throw AtomErrors.InvalidField("update_mask", "name the fields to change: voice, rate, pitch.");
        }

        var profile = await profiles.GetAsync(caller.TenantId, caller.PrincipalId, token);
        foreach (var path in paths)
        {
            profile = path switch
            {
                "voice" => profile with { Voice = await KnownVoiceAsync(changes.Voice, token) },
                "rate" => profile with { Rate = VoiceRules.Factor("profile.rate", changes.Rate) },
                "pitch" => profile with { Pitch = VoiceRules.Factor("profile.pitch", changes.Pitch) },
                _ => throw AtomErrors.InvalidField("update_mask", $"'{path}' cannot be changed; only voice, rate and pitch can."),
            };
        }

        return new UpdateVoiceProfileResponse { Profile = VoiceRules.ToProto(await profiles.SetAsync(caller.TenantId, caller.PrincipalId, profile, token)) };
    }

    // Reads audio messages into the recognition until the caller closes its side, or stops sending for the idle timeout: a
    // stream that goes quiet without closing still ends, with its final segment.
    private async Task FeedAsync(IAsyncStreamReader<TranscribeRequest> requests, LiveRecognition live, CancellationTokenSource stop)
    {
        await Task.Yield();
        try
        {
            await ReadAudioAsync(requests, live, stop.Token);
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task ReadAudioAsync(IAsyncStreamReader<TranscribeRequest> requests, LiveRecognition live, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = requests.MoveNext(cancellationToken);
            if (await Task.WhenAny(next, Task.Delay(settings.IdleTimeout, cancellationToken)) != next || !await next)
            {
                break;
            }

            if (requests.Current.KindCase != TranscribeRequest.KindOneofCase.Audio)
            {
                throw AtomErrors.InvalidField("audio", "after the first message, every message must carry audio.");
            }

            await live.WriteAsync(requests.Current.Audio.Memory, cancellationToken);
            if (live.LimitReached)
            {
                break;
            }
        }

        await live.EndAudioAsync(cancellationToken);
    }

    private async Task<string> KnownVoiceAsync(string voice, CancellationToken cancellationToken)
    {
        if (voice.Length == 0)
        {
            return voice;
        }

        var voices = await synthesizer.ListVoicesAsync(cancellationToken);
        return voices.Any(v => string.Equals(v.Name, voice, StringComparison.OrdinalIgnoreCase))
            ? voice
            : throw AtomErrors.InvalidField("profile.voice", $"'{voice}' is not a voice of this server; ListVoices names them.");
    }
}
