namespace Atom.Server.Voice.Api;

/// <summary>How VoiceService serves callers (configuration section <c>Atom:Voice</c>).</summary>
public sealed class VoiceApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Voice";

    /// <summary>Gets or sets how long a live transcription waits for audio before it ends with its final segment.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the most bytes one AppendAudio call may carry (the browser path of live transcription).</summary>
    public int MaxChunkBytes { get; set; } = 256 * 1024;

    /// <summary>Gets or sets how many live transcriptions of the browser path one user may run at once.</summary>
    public int MaxTranscriptionsPerUser { get; set; } = 4;

    /// <summary>Gets or sets how long a finished transcription of the browser path is kept, so a late watcher still gets it.</summary>
    public TimeSpan FinishedRetention { get; set; } = TimeSpan.FromMinutes(2);
}
