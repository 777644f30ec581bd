namespace Atom.Server.Voice.Audio;

/// <summary>How Atom decodes audio, from <c>Atom:Voice:Audio</c>.</summary>
public sealed class AudioOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Voice:Audio";

    /// <summary>Gets or sets ffmpeg: a file name looked up on <c>PATH</c>, or a full path.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Gets or sets the longest audio decoded from one file or one live stream; decoding stops there and says so.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Gets or sets the longest ffmpeg may take to decode one stored file; past it, it is killed.</summary>
    public TimeSpan FileTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the longest ffmpeg may take, once a live stream's input has ended, to give its last samples; past it, it is
    /// killed. A stream's length is bounded by <see cref="MaxDuration"/>, not by a timeout.
    /// </summary>
    public TimeSpan FinishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the most bytes of a streamed M4A kept in a temporary file until its end (ffmpeg must seek in M4A, so it
    /// cannot decode one from a pipe).
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets where streamed M4A is buffered; null for the system's temporary directory.</summary>
    public string? TempDirectory { get; set; }
}
