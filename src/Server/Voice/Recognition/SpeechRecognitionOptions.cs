namespace Atom.Server.Voice.Recognition;

/// <summary>How Atom turns speech into text, from <c>Atom:Voice:Recognition</c>.</summary>
public sealed class SpeechRecognitionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Voice:Recognition";

    /// <summary>The embedded default: pocketsphinx from Debian (<see cref="PocketSphinxRecognizer"/>).</summary>
    public const string PocketSphinxProvider = "pocketsphinx";

    /// <summary>Any OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint (<see cref="OpenAiSpeechRecognizer"/>).</summary>
    public const string OpenAiProvider = "openai";

    /// <summary>Gets or sets the provider: <see cref="PocketSphinxProvider"/> (the default) or <see cref="OpenAiProvider"/>.</summary>
    public string Provider { get; set; } = PocketSphinxProvider;

    /// <summary>
    /// Gets or sets how many live sessions run at once; one more is refused with <see cref="RecognizerBusyException"/>. pocketsphinx
    /// decodes at 0.25 to 0.5 of real time per core, so the default is the processor count; for an endpoint, what it can take.
    /// </summary>
    public int MaxStreams { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets how long a pause ends an utterance and yields its final segment, when the words so far can end one. The final
    /// comes this long after the speech ends (plus the rest of the chunk it ends in, and the final pass), so it sets the latency
    /// of every answer. Below the voice activity detector's 200 ms hangover it acts as 200 ms.
    /// </summary>
    public TimeSpan EndOfSpeech { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how long a pause ends an utterance whose last word cannot end one ("send a message to", "the", "saying"): a
    /// speaker who stops there is not done. It is also the pause that ends an utterance where the words are not known while it
    /// goes on (engines that take whole recordings) and the end the pocketsphinx detector falls back on.
    /// </summary>
    public TimeSpan MidSentencePause { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the longer of <see cref="EndOfSpeech"/> and <see cref="MidSentencePause"/>: the pause that ends any utterance.</summary>
    public TimeSpan LongestPause => EndOfSpeech > MidSentencePause ? EndOfSpeech : MidSentencePause;

    /// <summary>Gets or sets how much audio passes between partial segments while someone speaks.</summary>
    public TimeSpan PartialInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets or sets the longest utterance: speech without a pause is cut into finals this long, bounding latency and memory.</summary>
    public TimeSpan MaxUtterance { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets the level normalization, noise gate and voice activity detection applied before recognition.</summary>
    public AudioConditioningOptions Conditioning { get; set; } = new();

    /// <summary>Gets or sets the settings of the <see cref="PocketSphinxProvider"/> provider.</summary>
    public PocketSphinxOptions PocketSphinx { get; set; } = new();

    /// <summary>Gets or sets the settings of the <see cref="OpenAiProvider"/> provider.</summary>
    public OpenAiTranscriptionOptions OpenAi { get; set; } = new();
}
