namespace Atom.Server.Files.Processing.Internal;

/// <summary>The one catalog of the types Atom detects, and the other names clients use for them.</summary>
internal static class KnownTypes
{
    public static readonly DetectedType Pdf = new("application/pdf", "PDF", ".pdf", FileCategory.Document);
    public static readonly DetectedType Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", ".docx", FileCategory.Document);
    public static readonly DetectedType Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", ".xlsx", FileCategory.Spreadsheet);
    public static readonly DetectedType Pptx = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX", ".pptx", FileCategory.Presentation);
    public static readonly DetectedType Txt = new("text/plain", "Text", ".txt", FileCategory.Text);
    public static readonly DetectedType Markdown = new("text/markdown", "Markdown", ".md", FileCategory.Text);
    public static readonly DetectedType Csv = new("text/csv", "CSV", ".csv", FileCategory.Spreadsheet);
    public static readonly DetectedType Json = new("application/json", "JSON", ".json", FileCategory.Text);
    public static readonly DetectedType Html = new("text/html", "HTML", ".html", FileCategory.Text);
    public static readonly DetectedType Png = new("image/png", "PNG", ".png", FileCategory.Image);
    public static readonly DetectedType Jpeg = new("image/jpeg", "JPEG", ".jpg", FileCategory.Image);
    public static readonly DetectedType Gif = new("image/gif", "GIF", ".gif", FileCategory.Image);
    public static readonly DetectedType WebP = new("image/webp", "WebP", ".webp", FileCategory.Image);
    public static readonly DetectedType Wav = new("audio/wav", "WAV", ".wav", FileCategory.Audio);
    public static readonly DetectedType Mp3 = new("audio/mpeg", "MP3", ".mp3", FileCategory.Audio);
    public static readonly DetectedType M4a = new("audio/mp4", "M4A", ".m4a", FileCategory.Audio);
    public static readonly DetectedType Ogg = new("audio/ogg", "OGG", ".ogg", FileCategory.Audio);
    public static readonly DetectedType Flac = new("audio/flac", "FLAC", ".flac", FileCategory.Audio);
    public static readonly DetectedType WebM = new("audio/webm", "WebM", ".webm", FileCategory.Audio);
    public static readonly DetectedType Zip = new("application/zip", "ZIP", ".zip", FileCategory.Archive);

    public static readonly IReadOnlyList<DetectedType> All =
        [Pdf, Docx, Xlsx, Pptx, Txt, Markdown, Csv, Json, Html, Png, Jpeg, Gif, WebP, Wav, Mp3, M4a, Ogg, Flac, WebM, Zip];

    // Names browsers and operating systems really send: Windows sends application/x-zip-compressed for zips and
    // application/vnd.ms-excel for .csv when Excel is installed; older tools send image/jpg and audio/x-wav.
    private static readonly Dictionary<string, DetectedType> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/x-pdf"] = Pdf,
        ["text/x-markdown"] = Markdown,
        ["application/csv"] = Csv,
        ["text/x-csv"] = Csv,
        ["text/comma-separated-values"] = Csv,
        ["application/vnd.ms-excel"] = Csv,
        ["text/json"] = Json,
        ["application/xhtml+xml"] = Html,
        ["image/jpg"] = Jpeg,
        ["image/pjpeg"] = Jpeg,
        ["audio/x-wav"] = Wav,
        ["audio/wave"] = Wav,
        ["audio/vnd.wave"] = Wav,
        ["audio/mp3"] = Mp3,
        ["audio/x-mp3"] = Mp3,
        ["audio/mpeg3"] = Mp3,
        ["audio/x-m4a"] = M4a,
        ["audio/m4a"] = M4a,
        ["application/ogg"] = Ogg,
        ["audio/vorbis"] = Ogg,
        ["audio/opus"] = Ogg,
        ["audio/x-flac"] = Flac,
        ["application/x-zip-compressed"] = Zip,
        ["application/x-zip"] = Zip,
    };

    /// <summary>The type a media type names, directly or as an alias; null when it names none Atom knows.</summary>
    public static DetectedType? ByMediaType(string mediaType)
    {
        foreach (var type in All)
        {
            if (string.Equals(type.MediaType, mediaType, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return Aliases.GetValueOrDefault(mediaType);
    }
}
