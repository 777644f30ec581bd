namespace Atom.Server.Voice.Recognition;

/// <summary>The settings of an OpenAI-compatible transcription endpoint (<c>Atom:Voice:Recognition:OpenAi</c>).</summary>
public sealed class OpenAiTranscriptionOptions
{
    /// <summary>
    /// Gets or sets the API's base URL, the part before <c>/audio/transcriptions</c>: <c>https://api.openai.com/v1</c>, or a
    /// Whisper server's, e.g. <c>http://localhost:8000/v1</c> (faster-whisper-server, LocalAI, whisper.cpp's server).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the model, e.g. <c>whisper-1</c>.</summary>
    public string Model { get; set; } = "whisper-1";

    /// <summary>Gets or sets the API key sent as a bearer token; none is sent when empty (local servers need none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the language sent when a session names none (ISO 639-1); null lets the model detect it.</summary>
    public string? Language { get; set; }

    /// <summary>Gets or sets the longest wait for one request's answer; past it the try counts as failed and may be retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how often a request is retried after 408, 429, 5xx or a network failure.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; it doubles with each further retry (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between tries; it caps both the backoff and a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);
}
