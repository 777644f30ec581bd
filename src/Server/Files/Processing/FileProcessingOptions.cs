namespace Atom.Server.Files.Processing;

/// <summary>Limits and tools of file processing (<c>Atom:Files:Processing</c>).</summary>
public sealed class FileProcessingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atom:Files:Processing";

    /// <summary>
    /// Gets or sets how many leading bytes of a file the text heuristics read (encoding, JSON, HTML, CSV, Markdown).
    /// A longer JSON file is accepted when this prefix is valid JSON so far.
    /// </summary>
    public int TextSniffBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the deepest JSON nesting accepted, both when detecting and when reading JSON.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Gets or sets the most entries an archive may hold, nested archives' entries included.</summary>
    public int MaxArchiveEntries { get; set; } = 10_000;

    /// <summary>Gets or sets the most decompressed bytes an archive may expand to, nested archives included.</summary>
    public long MaxExpandedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the highest ratio of decompressed to compressed bytes of one entry. Applied once an entry has
    /// expanded past <see cref="CompressionRatioThresholdBytes"/>, since small repetitive files legitimately compress well.
    /// </summary>
    public double MaxCompressionRatio { get; set; } = 100;

    /// <summary>Gets or sets how many bytes an entry may expand to before <see cref="MaxCompressionRatio"/> applies.</summary>
    public long CompressionRatioThresholdBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how deep zips may nest in zips: 1 allows zips inside the uploaded zip, but no zips inside those.</summary>
    public int MaxNestingDepth { get; set; } = 2;

    /// <summary>
    /// Gets or sets the largest nested zip inspected. Nested zips are read into memory (nothing is extracted to disk),
    /// so this bounds the memory one inspection takes per level.
    /// </summary>
    public long MaxNestedArchiveBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets the most characters of text extracted from one file; more sets <see cref="ExtractedContent.Truncated"/>.</summary>
    public int MaxTextChars { get; set; } = 2 * 1024 * 1024;

    /// <summary>Gets or sets the most bytes read from an external tool's output; the tool is stopped past it.</summary>
    public int MaxToolOutputBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets how long <c>pdftotext</c> and <c>pdfinfo</c> may run on one file.</summary>
    public TimeSpan PdfTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the <c>pdftotext</c> executable (a name on PATH or a full path).</summary>
    public string PdfToTextPath { get; set; } = "pdftotext";

    /// <summary>Gets or sets the <c>pdfinfo</c> executable (a name on PATH or a full path).</summary>
    public string PdfInfoPath { get; set; } = "pdfinfo";

    /// <summary>Gets or sets whether images are read with OCR.</summary>
    public bool OcrEnabled { get; set; } = true;

    /// <summary>Gets or sets the <c>tesseract</c> executable (a name on PATH or a full path).</summary>
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>Gets or sets the tesseract language(s), e.g. <c>eng</c> or <c>eng+deu</c>; each needs its Debian <c>tesseract-ocr-*</c> package.</summary>
    public string OcrLanguages { get; set; } = "eng";

    /// <summary>Gets or sets how long OCR may run on one image; past it the image keeps its metadata and gets no text.</summary>
    public TimeSpan OcrTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the most pixels (width × height) an image may declare. Decoders allocate by the declared size,
    /// so a small file declaring a huge canvas is a memory bomb.
    /// </summary>
    public long MaxImagePixels { get; set; } = 100_000_000;
}
