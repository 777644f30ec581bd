using Atom.Server.Files.Processing;
using Atom.Server.Jobs;
using Atom.Server.Voice.Audio;
using Atom.Server.Voice.Recognition;

namespace Atom.Server.Hosting;

/// <summary>
/// Files' transcriber, backed by voice: the recording is decoded to 16 kHz mono and dictated to the speech recognizer
/// (pocketsphinx embedded, or an OpenAI-compatible service). It lives in the composition root so that files and voice
/// do not refer to each other; here voice's failures become the ones files' pipeline knows.
/// </summary>
/// <param name="decoder">Decodes whole recordings.</param>
/// <param name="recognizer">Speech to text.</param>
internal sealed class SpeechAudioTranscriber(AudioFileDecoder decoder, ISpeechRecognizer recognizer) : IAudioTranscriber, IDisposable
{
    // A live stream holds a decoder for as long as its speaker talks: a few seconds to a minute.
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromSeconds(15);

    // Most recordings are voice messages of seconds: the next one's turn comes soon.
    private static readonly TimeSpan TurnRetryDelay = TimeSpan.FromSeconds(3);

    // One recording at a time on this node: a long one holds a decoder and a job worker for minutes, and the others must
    // stay free for live speakers and for the rest of the job queue (processing, indexing).
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <inheritdoc />
    public bool IsAvailable => recognizer.MaxStreams > 0;

    /// <inheritdoc />
    public async Task<AudioTranscript> TranscribeAsync(string path, CancellationToken cancellationToken)
    {
        if (!_turn.Wait(0, CancellationToken.None))
        {
            throw new JobRetryLaterException(TurnRetryDelay, "another recording is being transcribed on this node");
        }

        try
        {
            return await TranscribeInTurnAsync(path, cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _turn.Dispose();

    private async Task<AudioTranscript> TranscribeInTurnAsync(string path, CancellationToken cancellationToken)
    {
        DecodedAudio audio;
        try
        {
            audio = await decoder.DecodeAsync(path, cancellationToken);
        }
        catch (AudioFormatException e)
        {
            throw new CorruptContentException(e.Message, e);
        }
        catch (AudioDecoderUnavailableException e)
        {
            throw new TranscriptionUnavailableException(e.Message, e);
        }
        catch (TimeoutException e)
        {
            throw new CorruptContentException("Decoding took too long: " + e.Message, e);
        }

        try
        {
            var transcript = await recognizer.TranscribeAsync(audio.Samples, RecognitionOptions.Dictation, cancellationToken);
            return new AudioTranscript(transcript.Text, audio.Duration, audio.Truncated);
        }
        catch (RecognizerBusyException e)
        {
            throw new JobRetryLaterException(BusyRetryDelay, "speech recognizer busy: " + e.Message, e);
        }
        catch (RecognitionUnavailableException e)
        {
            throw new TranscriptionUnavailableException(e.Message, e);
        }
    }
}
