using Atom.Sdk;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Recognition;
using Atom.V1;

namespace Atom.Server.Voice.Api.Internal;

/// <summary>
/// One live stream of audio being recognised, whichever face it came through: Transcribe's bidirectional stream or the
/// browser path (StartTranscription, AppendAudio, WatchTranscript). It holds the engine's session, the decoder for the
/// declared container and the numbering of segments; audio is written on one side while <see cref="RunAsync"/>
/// recognises what was decoded so far on the other. Disposing it gives the engine's slot back.
/// </summary>
internal sealed class LiveRecognition : IAsyncDisposable
{
    private readonly IRecognitionSession session;
    private readonly IAudioDecoder decoder;
    private readonly SegmentNumbering numbering;
    private readonly TimeSpan maxDuration;

    private LiveRecognition(IRecognitionSession session, IAudioDecoder decoder, SegmentNumbering numbering, TimeSpan maxDuration)
    {
        this.session = session;
        this.decoder = decoder;
        this.numbering = numbering;
        this.maxDuration = maxDuration;
    }

    /// <summary>Gets whether the audio reached the length limit: later bytes are discarded.</summary>
    public bool LimitReached => decoder.LimitReached;

    /// <summary>
    /// Checks a config and takes a slot of the engine. Capacity is taken before any audio is read: a caller beyond it learns
    /// so at once (RESOURCE_EXHAUSTED with a retry delay), not after speaking.
    /// </summary>
    /// <param name="config">How to listen.</param>
    /// <param name="field">The request field that holds the config, for errors.</param>
    /// <param name="recognizer">The engine.</param>
    /// <param name="decoders">Makes the decoder.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The recognition; the caller disposes it.</returns>
    public static async Task<LiveRecognition> StartAsync(TranscriptionConfig? config, string field, ISpeechRecognizer recognizer, AudioDecoderFactory decoders, CancellationToken cancellationToken)
    {
        if (config is null)
        {
            throw AtomErrors.InvalidField(field, "is required: how to listen (at least the audio's format).");
        }

        var format = VoiceRules.SourceFormat(field + ".format", config.Format);
        var recognition = VoiceRules.Recognition(field + ".", config.Mode, config.Language, config.PhraseHints);
        if (!decoders.CanDecode(format.Container))
        {
            throw VoiceErrors.Unavailable($"{format.Container} audio needs ffmpeg, which this server does not have; send LINEAR16 or WAV.");
        }

        var session = await VoiceErrors.MapAsync(() => recognizer.StartAsync(recognition, cancellationToken).AsTask());
        try
        {
            return new LiveRecognition(session, decoders.Create(format), new SegmentNumbering(config.FinalsOnly), decoders.Options.MaxDuration);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Decodes the next bytes of audio.</summary>
    /// <param name="audio">The bytes, in the declared format; they may split a header or a sample anywhere.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the bytes are taken.</returns>
    /// <exception cref="RpcException">INVALID_ARGUMENT on field audio: the bytes are not the declared format, or are corrupt.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        try
        {
            await decoder.WriteAsync(audio, cancellationToken);
        }
        catch (AudioFormatException e)
        {
            throw VoiceErrors.Audio(e);
        }
    }

    /// <summary>Ends the audio: recognition finishes with the final segments of what was sent.</summary>
    /// <param name="cancellationToken">Cancels waiting for the decoder.</param>
    /// <returns>A task that completes when the audio is decoded.</returns>
    /// <exception cref="RpcException">INVALID_ARGUMENT on field audio: the audio is truncated or corrupt.</exception>
    public async ValueTask EndAudioAsync(CancellationToken cancellationToken)
    {
        try
        {
            await decoder.CompleteAsync(cancellationToken);
        }
        catch (AudioFormatException e)
        {
            throw VoiceErrors.Audio(e);
        }
    }

    /// <summary>
    /// Recognises the audio as it is decoded, until it ends, handing each numbered segment over as it comes: partials while
    /// the speaker speaks, a final at each pause, and the last finals once the audio ended.
    /// </summary>
    /// <param name="emit">Takes each segment, in order.</param>
    /// <param name="cancellationToken">Stops recognition.</param>
    /// <returns>A task that completes after the last final segment.</returns>
    /// <exception cref="RpcException">The audio was not readable, or was longer than the limit (after the finals of what came before it).</exception>
    public async Task RunAsync(Func<TranscribeResponse, ValueTask> emit, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var samples in decoder.ReadAllAsync(cancellationToken))
            {
                foreach (var response in numbering.Number(session.Accept(samples.Span)))
                {
                    await emit(response);
                }
            }
        }
        catch (AudioFormatException e)
        {
            throw VoiceErrors.Audio(e);
        }

        foreach (var response in numbering.Number(await session.CompleteAsync(cancellationToken)))
        {
            await emit(response);
        }

        if (decoder.LimitReached)
        {
            throw VoiceErrors.TooLong(maxDuration);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The decoder first: it may run an ffmpeg process, stopped at once; then the engine's slot goes back to its pool.
        await decoder.DisposeAsync();
        await session.DisposeAsync();
    }
}
