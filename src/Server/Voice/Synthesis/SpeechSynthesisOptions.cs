namespace Atom.Server.Voice.Synthesis;

/// <summary>How Atom speaks, from <c>Atom:Voice:Synthesis</c>.</summary>
public sealed class SpeechSynthesisOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Voice:Synthesis";

    /// <summary>The embedded default: espeak-ng through its library (<see cref="EspeakSpeechSynthesizer"/>).</summary>
    public const string EspeakProvider = "espeak";

    /// <summary>Any OpenAI-compatible <c>/v1/audio/speech</c> endpoint (<see cref="OpenAiSpeechSynthesizer"/>).</summary>
    public const string OpenAiProvider = "openai";

    /// <summary>Gets or sets the provider: <see cref="EspeakProvider"/> (the default) or <see cref="OpenAiProvider"/>.</summary>
    public string Provider { get; set; } = EspeakProvider;

    /// <summary>Gets or sets the longest text, in characters (UTF-16 code units), one request may ask to speak. OpenAI's limit is 4096.</summary>
    public int MaxTextLength { get; set; } = 4096;

    /// <summary>Gets or sets ffmpeg, which encodes MP3 and Ogg/Opus: a file name on <c>PATH</c>, or a full path.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Gets or sets the longest one synthesis may hold the engine or ffmpeg; past it, it is stopped.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the settings of the <see cref="EspeakProvider"/> provider.</summary>
    public EspeakSynthesisOptions Espeak { get; set; } = new();

    /// <summary>Gets or sets the settings of the <see cref="OpenAiProvider"/> provider.</summary>
    public OpenAiSpeechOptions OpenAi { get; set; } = new();
}

/// <summary>The settings of espeak-ng (<c>Atom:Voice:Synthesis:Espeak</c>).</summary>
public sealed class EspeakSynthesisOptions
{
    /// <summary>Gets or sets the voice when a request names none.</summary>
    public string DefaultVoice { get; set; } = "en-us";

    /// <summary>Gets or sets the directory that holds <c>espeak-ng-data</c>; null for the library's own.</summary>
    public string? DataPath { get; set; }
}

/// <summary>The settings of an OpenAI-compatible speech endpoint (<c>Atom:Voice:Synthesis:OpenAi</c>).</summary>
public sealed class OpenAiSpeechOptions
{
    /// <summary>Gets or sets the API's base URL, the part before <c>/audio/speech</c>, e.g. <c>https://api.openai.com/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the model, e.g. <c>tts-1</c>, <c>gpt-4o-mini-tts</c>, <c>kokoro</c>.</summary>
    public string Model { get; set; } = "tts-1";

    /// <summary>Gets or sets the API key sent as a bearer token; none is sent when empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the voice when a request names none.</summary>
    public string DefaultVoice { get; set; } = "alloy";

    /// <summary>Gets or sets the voices a request may name; empty to pass any name to the endpoint unchecked.</summary>
    public IList<string> Voices { get; set; } =
        ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"];

    /// <summary>Gets or sets the sample rate of the endpoint's <c>pcm</c> answers (OpenAI: 24 kHz), which Atom resamples from.</summary>
    public int PcmSampleRate { get; set; } = 24_000;

    /// <summary>Gets or sets the longest wait for the answer to start, and then for each next piece of it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a request is retried after 408, 429, 5xx or a network failure, before any audio arrived.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; it doubles with each further retry (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between tries; it caps the backoff and a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);
}
