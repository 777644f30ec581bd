namespace Atom.Server.Voice.Api;

/// <summary>How VoiceService serves callers (configuration section <c>Atom:Voice</c>).</summary>
public sealed class VoiceApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Voice";

    /// <summary>Gets or sets how long a live transcription waits for audio before it ends with its final segment.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the voice ListVoices names as the default (the synthesizer's own when a request names none).</summary>
    public string DefaultVoice { get; set; } = "en-us";
}
