namespace Atom.Server.Voice.Synthesis.Internal;

/// <summary>The settings under <c>Atom:Voice:Synthesis</c> that cannot work, each naming its key.</summary>
internal static class SpeechSynthesisOptionsValidation
{
    public static string Provider(SpeechSynthesisOptions options) => options.Provider.Trim().ToLowerInvariant();

    public static List<string> Validate(SpeechSynthesisOptions options)
    {
        const string Key = SpeechSynthesisOptions.Section + ":";
        var errors = new List<string>();
        var provider = Provider(options);
        if (provider is not (SpeechSynthesisOptions.EspeakProvider or SpeechSynthesisOptions.OpenAiProvider))
        {
            errors.Add($"{Key}Provider must be '{SpeechSynthesisOptions.EspeakProvider}' or '{SpeechSynthesisOptions.OpenAiProvider}', not '{options.Provider}'.");
        }

        if (options.MaxTextLength is < 1 or > 1_000_000)
        {
            errors.Add($"{Key}MaxTextLength must be from 1 to 1000000 characters, not {options.MaxTextLength}.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key}Timeout must be more than 0, not {options.Timeout}.");
        }

        if (string.IsNullOrWhiteSpace(options.FfmpegPath))
        {
            errors.Add($"{Key}FfmpegPath must name ffmpeg (a file name on PATH or a full path).");
        }

        if (provider == SpeechSynthesisOptions.EspeakProvider && string.IsNullOrWhiteSpace(options.Espeak.DefaultVoice))
        {
            errors.Add($"{Key}Espeak:DefaultVoice must name a voice, e.g. en-us.");
        }

        if (provider == SpeechSynthesisOptions.OpenAiProvider)
        {
            var openAi = options.OpenAi;
            if (!Uri.TryCreate(openAi.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"{Key}OpenAi:BaseUrl must be an http(s) URL such as https://api.openai.com/v1, not '{openAi.BaseUrl}'.");
            }

            if (string.IsNullOrWhiteSpace(openAi.Model))
            {
                errors.Add($"{Key}OpenAi:Model must name a model, e.g. tts-1.");
            }

            if (string.IsNullOrWhiteSpace(openAi.DefaultVoice))
            {
                errors.Add($"{Key}OpenAi:DefaultVoice must name a voice, e.g. alloy.");
            }
            else if (openAi.Voices.Count > 0 && !openAi.Voices.Contains(openAi.DefaultVoice, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{Key}OpenAi:DefaultVoice '{openAi.DefaultVoice}' is not one of {Key}OpenAi:Voices.");
            }

            if (openAi.PcmSampleRate is < 8000 or > 48000)
            {
                errors.Add($"{Key}OpenAi:PcmSampleRate must be from 8000 to 48000 Hz, not {openAi.PcmSampleRate}.");
            }

            if (openAi.Timeout <= TimeSpan.Zero)
            {
                errors.Add($"{Key}OpenAi:Timeout must be more than 0, not {openAi.Timeout}.");
            }

            if (openAi.MaxRetries is < 0 or > 10)
            {
                errors.Add($"{Key}OpenAi:MaxRetries must be from 0 to 10, not {openAi.MaxRetries}.");
            }

            if (openAi.RetryDelay < TimeSpan.Zero || openAi.MaxRetryDelay < openAi.RetryDelay)
            {
                errors.Add($"{Key}OpenAi:RetryDelay must be at least 0 and at most {Key}OpenAi:MaxRetryDelay.");
            }
        }

        return errors;
    }
}
