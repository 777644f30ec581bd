using Atom.Server.OpenAi.Internal;
using System.ClientModel;
using System.Text.Json;
using Atom.Server.Voice.Recognition.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;

namespace Atom.Server.Voice.Recognition;

/// <summary>
/// Speech-to-text from any OpenAI-compatible <c>POST {BaseUrl}/audio/transcriptions</c> (OpenAI, faster-whisper-server,
/// LocalAI, whisper.cpp's server), through the OpenAI package's <see cref="AudioClient"/>: WAV uploads in multipart form,
/// <c>response_format=verbose_json</c> with segment timestamps (servers that answer plain <c>{"text"}</c> work too, as one
/// segment). 408, 429, 5xx and network failures are retried with backoff, honouring <c>Retry-After</c>; whatever still fails
/// surfaces as <see cref="RecognitionUnavailableException"/>.
/// </summary>
/// <remarks>
/// Live sessions and whole recordings alike are cut into utterances by voice activity and only the voiced parts are sent: the
/// endpoint cannot stream, and Whisper models invent text for silence. Finals arrive once an utterance's request returns; there
/// are no partials. Commands are parsed from the text with the same phrases as pocketsphinx's grammar. At most
/// <see cref="MaxStreams"/> live sessions run at once; whole recordings do not count against it. Thread-safe.
/// </remarks>
public sealed partial class OpenAiSpeechRecognizer : ISpeechRecognizer
{
    /// <summary>The provider name in the component catalog.</summary>
    public const string ProviderName = "openai";

    private readonly SpeechRecognitionOptions options;
    private readonly OpenAiTranscriptionOptions endpoint;
    private readonly AudioClient client;
    private readonly ILogger logger;
    private int activeStreams;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The settings; <see cref="SpeechRecognitionOptions.OpenAi"/> names the endpoint.</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <exception cref="OptionsValidationException">A setting cannot work.</exception>
    public OpenAiSpeechRecognizer(SpeechRecognitionOptions options, ILogger<OpenAiSpeechRecognizer>? logger = null)
        : this(options, TimeProvider.System, logger)
    {
    }

    internal OpenAiSpeechRecognizer(SpeechRecognitionOptions options, TimeProvider time, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SpeechRecognitionOptionsValidation.Validate(options, SpeechRecognitionOptions.OpenAiProvider);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SpeechRecognitionOptions.Section, typeof(SpeechRecognitionOptions), errors);
        }

        this.options = options;
        endpoint = options.OpenAi;
        this.logger = logger ?? NullLogger.Instance;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint.BaseUrl!.TrimEnd('/')),
            NetworkTimeout = endpoint.Timeout,
            RetryPolicy = new OpenAiRetryPolicy(endpoint.MaxRetries, endpoint.RetryDelay, endpoint.MaxRetryDelay, time),
        };
        // The policy constructor is marked for evaluation (OPENAI001), but it is the only way to send no Authorization header.
#pragma warning disable OPENAI001
        var openAi = string.IsNullOrEmpty(endpoint.ApiKey)
            ? new OpenAIClient(new NoAuthenticationPolicy(), clientOptions)
            : new OpenAIClient(new ApiKeyCredential(endpoint.ApiKey), clientOptions);
#pragma warning restore OPENAI001
        client = openAi.GetAudioClient(endpoint.Model);
    }

    /// <inheritdoc />
    public string Provider => ProviderName;

    /// <inheritdoc />
    public int MaxStreams => options.MaxStreams;

    /// <summary>Gets how many live sessions run now.</summary>
    public int ActiveStreams => Volatile.Read(ref activeStreams);

    /// <inheritdoc />
    public ValueTask<IRecognitionSession> StartAsync(RecognitionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Interlocked.Increment(ref activeStreams) > MaxStreams)
        {
            Interlocked.Decrement(ref activeStreams);
            throw new RecognizerBusyException(MaxStreams);
        }

        return ValueTask.FromResult<IRecognitionSession>(Open(options, () => Interlocked.Decrement(ref activeStreams)));
    }

    /// <inheritdoc />
    public async Task<Transcript> TranscribeAsync(ReadOnlyMemory<short> samples, RecognitionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var session = Open(options, release: null);
        await using (session.ConfigureAwait(false))
        {
            return await SessionTranscription.RunAsync(session, samples, cancellationToken).ConfigureAwait(false);
        }
    }

    private OpenAiSession Open(RecognitionOptions recognition, Action? release)
    {
        var commands = recognition.Mode == RecognitionMode.Commands ? CommandGrammar.Create(recognition, _ => true) : null;
        return new OpenAiSession((samples, start, token) => TranscribeUtteranceAsync(samples, start, recognition, commands, token), options, release);
    }

    private async Task<IReadOnlyList<TranscriptSegment>> TranscribeUtteranceAsync(
        short[] samples, long start, RecognitionOptions recognition, CommandGrammar? commands, CancellationToken cancellationToken)
    {
        var request = new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Segment,
            Language = recognition.Language ?? endpoint.Language,
            Prompt = recognition.PhraseHints.Count > 0 ? string.Join(", ", recognition.PhraseHints) : null,
        };
        AudioTranscription answer;
        try
        {
            using var wav = new MemoryStream(WavEncoder.Encode(samples));
            answer = (await client.TranscribeAudioAsync(wav, "utterance.wav", request, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ClientResultException e) when (e.Status != 0)
        {
            Log.Unavailable(logger, endpoint.BaseUrl!, endpoint.Model, e);
            throw new RecognitionUnavailableException($"The transcription endpoint {endpoint.BaseUrl} (model {endpoint.Model}) answered HTTP {e.Status}: {e.Message}", e.Status, e);
        }
        // The retry policy wraps the failures of its tries in an AggregateException when none of them got an answer.
        catch (Exception e) when (e is ClientResultException or AggregateException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.Unavailable(logger, endpoint.BaseUrl!, endpoint.Model, e);
            throw new RecognitionUnavailableException($"The transcription endpoint {endpoint.BaseUrl} (model {endpoint.Model}) did not answer: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            Log.Unavailable(logger, endpoint.BaseUrl!, endpoint.Model, e);
            throw new RecognitionUnavailableException($"The transcription endpoint {endpoint.BaseUrl} (model {endpoint.Model}) answered with something that is not a transcription ({e.Message}).", e);
        }

        return Map(answer, start, samples.Length, commands);
    }

    // Segment times are relative to the utterance sent; the session's count from its first sample.
    private static List<TranscriptSegment> Map(AudioTranscription answer, long start, int length, CommandGrammar? commands)
    {
        var offset = TimeSpan.FromSeconds(start / (double)WavEncoder.SampleRate);
        var duration = TimeSpan.FromSeconds(length / (double)WavEncoder.SampleRate);
        var segments = answer.Segments is { Count: > 0 } timed
            ? timed.Select(s => (Text: s.Text.Trim(), Start: s.StartTime, End: s.EndTime, Confidence: (float?)Math.Clamp(Math.Exp(s.AverageLogProbability), 0, 1)))
            : [(Text: answer.Text?.Trim() ?? string.Empty, Start: TimeSpan.Zero, End: duration, Confidence: null)];
        return
        [
            .. segments.Where(s => s.Text.Length > 0).Select(s => new TranscriptSegment(
                s.Text, offset + s.Start, offset + (s.End > duration ? duration : s.End), IsFinal: true, s.Confidence,
                commands?.Parse(s.Text))),
        ];
    }
}
