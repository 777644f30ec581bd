using System.Runtime.CompilerServices;
using Atom.Server.Voice.Synthesis.Internal;

namespace Atom.Server.Voice.Synthesis;

/// <summary>
/// Speech from espeak-ng, loaded in-process (P/Invoke to libespeak-ng.so.1). One synthesis at a time, on one worker thread
/// (the library is global state); audio streams out in blocks of about 100 ms as espeak produces them, at 22050 Hz, and is
/// resampled or encoded to the request's format. <see cref="SynthesisRequest.Speed"/> 1.0 is 175 words per minute and
/// <see cref="SynthesisRequest.Pitch"/> 1.0 espeak's pitch 50.
/// </summary>
public sealed class EspeakSpeechSynthesizer : ISpeechSynthesizer
{
    /// <summary>The provider name in the component catalog.</summary>
    public const string Name = "espeak-ng";

    private const int NormalWordsPerMinute = 175;
    private const int NormalPitch = 50;

    private readonly SpeechSynthesisOptions options;
    private readonly EspeakEngine engine;
    private readonly SpeechEncoder encoder;
    private readonly Lazy<Task<VoiceIndex>> voices;

    /// <summary>Initializes a new instance; espeak-ng itself starts on first use.</summary>
    /// <param name="options">The synthesis settings.</param>
    /// <param name="ffmpegPath">The full path of ffmpeg, for MP3 and Ogg/Opus; null when missing.</param>
    public EspeakSpeechSynthesizer(SpeechSynthesisOptions options, string? ffmpegPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        engine = EspeakEngine.Shared(options.Espeak.DataPath, options.Timeout);
        encoder = new SpeechEncoder(ffmpegPath, null, options.Timeout);
        voices = new Lazy<Task<VoiceIndex>>(async () =>
        {
            var (list, dataPath) = await engine.ListVoicesAsync();
            return new VoiceIndex(list, dataPath);
        });
    }

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = SynthesisRequestValidation.Prepare(request, options.MaxTextLength);
        if (encoder.Unavailable(request.Format) is { } problem)
        {
            throw new SpeechSynthesisUnavailableException(problem);
        }

        var voice = (await voices.Value).Resolve(request.Voice ?? options.Espeak.DefaultVoice);
        var wordsPerMinute = (int)Math.Round(NormalWordsPerMinute * request.Speed);
        var pitch = (int)Math.Clamp(Math.Round(NormalPitch * request.Pitch), 0, 100);
        var rate = await engine.SampleRateAsync();
        var pcm = engine.SynthesizeAsync(text, voice, wordsPerMinute, pitch, cancellationToken);
        await foreach (var chunk in encoder.EncodeAsync(pcm, rate, request, cancellationToken))
        {
            yield return chunk;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SynthesisVoice>> ListVoicesAsync(CancellationToken cancellationToken = default) =>
        (await voices.Value.WaitAsync(cancellationToken)).Voices;

    /// <summary>Which names espeak takes: a language (<c>en-us</c>), a voice name, a file identifier, each with an optional <c>+variant</c>.</summary>
    private sealed class VoiceIndex(IReadOnlyList<SynthesisVoice> voices, string? dataPath)
    {
        private readonly HashSet<string> names = BuildNames(voices);

        public IReadOnlyList<SynthesisVoice> Voices => voices;

        public string Resolve(string requested)
        {
            var name = requested.Trim();
            var plus = name.IndexOf('+', StringComparison.Ordinal);
            var (baseName, variant) = plus < 0 ? (name, null) : (name[..plus], name[(plus + 1)..]);
            if (!names.Contains(baseName))
            {
                throw new SynthesisRequestException("voice", $"espeak-ng has no voice '{requested}'; ListVoices gives the names (e.g. en-us, de, fr).");
            }

            if (variant is not null && !IsVariant(variant))
            {
                throw new SynthesisRequestException("voice", $"espeak-ng has no voice variant '{variant}' (e.g. m3, f2, klatt, whisper).");
            }

            return name;
        }

        private bool IsVariant(string variant) =>
            variant.Length is > 0 and <= 40
            && variant.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            && dataPath is not null
            && File.Exists(Path.Combine(dataPath, "voices", "!v", variant));

        private static HashSet<string> BuildNames(IReadOnlyList<SynthesisVoice> voices)
        {
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var voice in voices)
            {
                set.Add(voice.Name);
                set.Add(voice.DisplayName);
                set.UnionWith(voice.Languages);
            }

            return set;
        }
    }
}
