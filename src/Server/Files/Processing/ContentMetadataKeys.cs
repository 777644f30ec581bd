namespace Atom.Server.Files.Processing;

/// <summary>The keys of <see cref="ExtractedContent.Metadata"/>. Values are invariant-culture strings.</summary>
public static class ContentMetadataKeys
{
    /// <summary>The document's title (PDF, Office, HTML).</summary>
    public const string Title = "title";

    /// <summary>The document's author (PDF, Office).</summary>
    public const string Author = "author";

    /// <summary>The number of pages of a PDF.</summary>
    public const string Pages = "pages";

    /// <summary>The number of worksheets of a workbook.</summary>
    public const string Sheets = "sheets";

    /// <summary>The number of slides of a presentation.</summary>
    public const string Slides = "slides";

    /// <summary>The width of an image, in pixels.</summary>
    public const string Width = "width";

    /// <summary>The height of an image, in pixels.</summary>
    public const string Height = "height";

    /// <summary>Where an image's text came from: <c>ocr</c>, or why there is none (<c>skipped</c>, <c>failed</c>, <c>timed-out</c>).</summary>
    public const string Ocr = "ocr";

    /// <summary>The text encoding a text file was read with, e.g. <c>utf-8</c>.</summary>
    public const string Encoding = "encoding";

    /// <summary>The audio codec or container detail, e.g. <c>pcm</c>, <c>vorbis</c>, <c>mpeg-1 layer 3</c>.</summary>
    public const string Codec = "codec";

    /// <summary>The length of a recording in seconds, with up to three decimals.</summary>
    public const string DurationSeconds = "durationSeconds";

    /// <summary>The audio sample rate, in hertz.</summary>
    public const string SampleRate = "sampleRate";

    /// <summary>The number of audio channels.</summary>
    public const string Channels = "channels";

    /// <summary>The audio bit rate, in bits per second (MP3).</summary>
    public const string BitRate = "bitRate";

    /// <summary>
    /// Where a recording's text stands: <c>pending</c> (queued for speech recognition), <c>done</c>, <c>truncated</c> (only
    /// the start, up to the length limit), <c>no-speech</c>, or why there is none (<c>failed</c>, <c>unavailable</c>).
    /// </summary>
    public const string Transcription = "transcription";

    /// <summary>The number of entries of an archive, nested archives' entries included.</summary>
    public const string Entries = "entries";

    /// <summary>The decompressed size of an archive's entries, in bytes.</summary>
    public const string ExpandedBytes = "expandedBytes";

    /// <summary>The deepest nesting of archives in an archive.</summary>
    public const string NestingDepth = "nestingDepth";
}
