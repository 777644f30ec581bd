using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Atom.Server.Voice.Synthesis.Internal;

namespace Atom.Server.Voice.Synthesis;

/// <summary>
/// Speech from any OpenAI-compatible <c>POST {BaseUrl}/audio/speech</c> (OpenAI, Kokoro-FastAPI, openedai-speech, LocalAI),
/// streamed as the endpoint sends it. PCM and WAV are asked for as <c>pcm</c> (mono 16-bit at
/// <see cref="OpenAiSpeechOptions.PcmSampleRate"/>) and resampled here, so the requested rate holds whatever the endpoint;
/// MP3 and Ogg/Opus without a requested rate pass through as the endpoint makes them (<c>mp3</c>, <c>opus</c>), with one they
/// are made from <c>pcm</c> by ffmpeg. <see cref="SynthesisRequest.Pitch"/> has no equivalent in the API and is ignored.
/// </summary>
/// <remarks>
/// 408, 429, 5xx and network failures are retried, before any audio has arrived, honouring <c>Retry-After</c>; whatever still
/// fails surfaces as <see cref="SpeechSynthesisUnavailableException"/>. Thread-safe.
/// </remarks>
public sealed class OpenAiSpeechSynthesizer : ISpeechSynthesizer, IDisposable
{
    /// <summary>The provider name in the component catalog.</summary>
    public const string Name = "openai";

    private const int MaxErrorChars = 500;

    private readonly SpeechSynthesisOptions options;
    private readonly OpenAiSpeechOptions openAi;
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly SpeechEncoder encoder;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The synthesis settings; <see cref="SpeechSynthesisOptions.OpenAi"/> must have a base URL.</param>
    /// <param name="ffmpegPath">The full path of ffmpeg, for MP3 and Ogg/Opus at a requested rate; null when missing.</param>
    /// <param name="handler">The HTTP handler; null for a new <see cref="SocketsHttpHandler"/>.</param>
    public OpenAiSpeechSynthesizer(SpeechSynthesisOptions options, string? ffmpegPath, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        openAi = options.OpenAi;
        endpoint = new Uri(openAi.BaseUrl!.TrimEnd('/') + "/audio/speech");
        http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(openAi.ApiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", openAi.ApiKey);
        }

        encoder = new SpeechEncoder(ffmpegPath, null, options.Timeout);
    }

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = SynthesisRequestValidation.Prepare(request, options.MaxTextLength);
        var voice = (request.Voice ?? openAi.DefaultVoice).Trim();
        if (openAi.Voices.Count > 0 && !openAi.Voices.Contains(voice, StringComparer.OrdinalIgnoreCase))
        {
            throw new SynthesisRequestException("voice", $"The speech endpoint has no voice '{voice}'; the voices are {string.Join(", ", openAi.Voices)}.");
        }

        var passThrough = request.Format is SynthesisFormat.Mp3 or SynthesisFormat.OggOpus && request.SampleRate is null;
        if (!passThrough && encoder.Unavailable(request.Format) is { } problem)
        {
            throw new SpeechSynthesisUnavailableException(problem);
        }

        var responseFormat = !passThrough ? "pcm" : request.Format == SynthesisFormat.Mp3 ? "mp3" : "opus";
        using var response = await SendAsync(text, voice, responseFormat, request.Speed, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var blocks = ReadAsync(body, cancellationToken);
        if (passThrough)
        {
            await foreach (var block in blocks)
            {
                yield return new AudioChunk(block);
            }

            yield break;
        }

        await foreach (var chunk in encoder.EncodeAsync(AsSamples(blocks), openAi.PcmSampleRate, request, cancellationToken))
        {
            yield return chunk;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SynthesisVoice>> ListVoicesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SynthesisVoice>>([.. openAi.Voices.Select(v => new SynthesisVoice(v, v, [], null))]);

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string text, string voice, string format, double speed, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = openAi.Model,
            ["input"] = text,
            ["voice"] = voice,
            ["response_format"] = format,
            ["speed"] = speed,
        });
        for (var attempt = 0; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(openAi.Timeout);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timer.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt < openAi.MaxRetries)
                {
                    await Task.Delay(Backoff(attempt, null), cancellationToken);
                    continue;
                }

                throw new SpeechSynthesisUnavailableException($"The speech endpoint {openAi.BaseUrl} (model {openAi.Model}) did not answer: {e.Message}", e);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            var status = (int)response.StatusCode;
            using (response)
            {
                if ((status is 408 or 429 || status >= 500) && attempt < openAi.MaxRetries)
                {
                    await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), cancellationToken);
                    continue;
                }

                var error = await ReadErrorAsync(response, cancellationToken);
                throw new SpeechSynthesisUnavailableException(
                    $"The speech endpoint {openAi.BaseUrl} (model {openAi.Model}) answered HTTP {status}{(attempt > 0 ? $" after {attempt + 1} tries" : string.Empty)}: {error}", status);
            }
        }
    }

    // The server's wait when it gives one, else exponential backoff with ±20% jitter; either capped.
    private TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        var wait = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
            ?? openAi.RetryDelay * Math.Pow(2, attempt) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > openAi.MaxRetryDelay ? openAi.MaxRetryDelay : wait;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            // OpenAI's shape: {"error": {"message": "..."}}; anything else is shown as it is, cut short.
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } m)
                {
                    text = m;
                }
            }
            catch (JsonException)
            {
                // Not JSON: keep the text.
            }

            text = text.Trim();
            return text.Length == 0 ? response.ReasonPhrase ?? "no message"
                : text.Length > MaxErrorChars ? string.Concat(text.AsSpan(0, MaxErrorChars), "…") : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return response.ReasonPhrase ?? "no message";
        }
    }

    private async IAsyncEnumerable<byte[]> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(openAi.Timeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, timer.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new SpeechSynthesisUnavailableException(
                    $"The speech endpoint {openAi.BaseUrl} stopped sending audio{(e is OperationCanceledException ? $" for {openAi.Timeout.TotalSeconds:0} s" : string.Empty)}: {e.Message}", e);
            }

            if (read == 0)
            {
                yield break;
            }

            yield return buffer.AsSpan(0, read).ToArray();
        }
    }

    private static async IAsyncEnumerable<short[]> AsSamples(IAsyncEnumerable<byte[]> blocks)
    {
        byte? odd = null;
        await foreach (var block in blocks)
        {
            var bytes = odd is { } b ? [b, .. block] : block;
            odd = bytes.Length % 2 == 1 ? bytes[^1] : null;
            yield return MemoryMarshal.Cast<byte, short>(bytes.AsSpan(0, bytes.Length & ~1)).ToArray();
        }
    }
}
