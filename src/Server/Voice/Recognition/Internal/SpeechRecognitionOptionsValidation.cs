namespace Atom.Server.Voice.Recognition.Internal;

/// <summary>Checks <see cref="SpeechRecognitionOptions"/>, naming each wrong key and why, so a mistake stops the server at start-up.</summary>
internal static class SpeechRecognitionOptionsValidation
{
    private const string Section = SpeechRecognitionOptions.Section;
    private const string OpenAiSection = Section + ":OpenAi";

    // The most a CancellationTokenSource timer accepts.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>The provider, in lower case; unset means the default.</summary>
    public static string Provider(SpeechRecognitionOptions options) =>
        string.IsNullOrWhiteSpace(options.Provider) ? SpeechRecognitionOptions.PocketSphinxProvider : options.Provider.Trim().ToLowerInvariant();

    public static List<string> Validate(SpeechRecognitionOptions options, string? provider = null)
    {
        var errors = new List<string>();
        provider ??= Provider(options);
        if (provider is not (SpeechRecognitionOptions.PocketSphinxProvider or SpeechRecognitionOptions.OpenAiProvider))
        {
            errors.Add($"{Section}:{nameof(options.Provider)} '{options.Provider}' is not supported; use {SpeechRecognitionOptions.PocketSphinxProvider} or {SpeechRecognitionOptions.OpenAiProvider}.");
        }

        if (options.MaxStreams is < 1 or > 1024)
        {
            errors.Add($"{Section}:{nameof(options.MaxStreams)} must be between 1 and 1024; got {options.MaxStreams}.");
        }

        Between(errors, nameof(options.EndOfSpeech), options.EndOfSpeech, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        Between(errors, nameof(options.MidSentencePause), options.MidSentencePause, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        Between(errors, nameof(options.PartialInterval), options.PartialInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        Between(errors, nameof(options.MaxUtterance), options.MaxUtterance, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        var conditioning = options.Conditioning;
        if (conditioning.TargetLevel is < -60 or > 0 || conditioning.NoiseGate is < -96 or > 0 || conditioning.NoiseGate >= conditioning.TargetLevel)
        {
            errors.Add($"{Section}:Conditioning: levels are dBFS with -96 <= NoiseGate < TargetLevel <= 0; got NoiseGate {conditioning.NoiseGate}, TargetLevel {conditioning.TargetLevel}.");
        }

        if (conditioning.MaxGain is < 0 or > 40 || conditioning.GateAttenuation is < 0 or > 96)
        {
            errors.Add($"{Section}:Conditioning: MaxGain must be 0 to 40 dB and GateAttenuation 0 to 96 dB; got {conditioning.MaxGain}, {conditioning.GateAttenuation}.");
        }

        Between(errors, "Conditioning:SkipSilenceAfter", conditioning.SkipSilenceAfter, TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1));
        if (provider == SpeechRecognitionOptions.OpenAiProvider)
        {
            ValidateOpenAi(options.OpenAi, errors);
        }

        return errors;
    }

    private static void ValidateOpenAi(OpenAiTranscriptionOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.BaseUrl)} is empty; set it to the API's base URL, e.g. https://api.openai.com/v1 or http://localhost:8000/v1.");
        }
        else if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.BaseUrl)} '{options.BaseUrl}' is not an http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{OpenAiSection}:{nameof(options.Model)} is empty; set it to the transcription model, e.g. whisper-1.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.Timeout)} must be positive and at most {MaxTimeout}; got {options.Timeout}.");
        }

        if (options.MaxRetries is < 0 or > 20)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.MaxRetries)} must be between 0 and 20; got {options.MaxRetries}.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > MaxTimeout)
        {
            errors.Add($"{OpenAiSection}:{nameof(options.RetryDelay)} ({options.RetryDelay}) and {nameof(options.MaxRetryDelay)} ({options.MaxRetryDelay}) must satisfy 0 <= RetryDelay <= MaxRetryDelay <= {MaxTimeout}.");
        }
    }

    private static void Between(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Section}:{key} must be between {min} and {max}; got {value}.");
        }
    }
}
