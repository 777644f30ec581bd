using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Atom.Server.Files.Processing.Internal;
using Atom.Server.Processes;
using DocumentFormat.OpenXml.Packaging;
using MetadataExtractor;
using Microsoft.Extensions.Logging;

namespace Atom.Server.Files.Processing;

/// <summary>
/// Reads the text and metadata out of a file of a detected type, for search and previews: PDF through poppler's
/// <c>pdftotext</c>, Office files through the OpenXml SDK (after <see cref="ArchiveInspector"/> has cleared the zip),
/// text formats decoded, HTML reduced to its visible text, images' dimensions and EXIF plus OCR through <c>tesseract</c>,
/// audio's format and length from its headers, zips' entry listing. Text is capped at
/// <see cref="FileProcessingOptions.MaxTextChars"/>.
/// </summary>
public sealed partial class ContentExtractor
{
    private const int PdfTrailerSearchBytes = 1024;
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly FileProcessingOptions _options;
    private readonly ArchiveInspector _archives;
    private readonly ILogger<ContentExtractor> _logger;

    /// <summary>Initializes a new instance of the <see cref="ContentExtractor"/> class.</summary>
    /// <param name="options">The limits and tools.</param>
    /// <param name="archives">Clears zips (and Office files, which are zips) before they are opened.</param>
    /// <param name="logger">Where OCR failures are told: they cost an image its text, not its upload.</param>
    public ContentExtractor(FileProcessingOptions options, ArchiveInspector archives, ILogger<ContentExtractor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(archives);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _archives = archives;
        _logger = logger;
    }

    /// <summary>Extracts the text and metadata of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="type">Its type, as <see cref="ContentTypeDetector.DetectAsync"/> found it.</param>
    /// <param name="cancellationToken">Cancels the work, killing any external tool.</param>
    /// <returns>The text (empty for audio) and metadata.</returns>
    /// <exception cref="CorruptContentException">The file is not a well-formed file of its type.</exception>
    /// <exception cref="UnsafeContentException">The file is a bomb (archive limits, image pixels) or a tool could not finish it in time.</exception>
    public async Task<ExtractedContent> ExtractAsync(string path, DetectedType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(type);
        var text = new CappedText(_options.MaxTextChars);
        var metadata = type.Label switch
        {
            "PDF" => await ReadPdfAsync(path, text, cancellationToken),
            "DOCX" => ReadOffice(path, type, text, OfficeText.ReadDocument),
            "XLSX" => ReadOffice(path, type, text, OfficeText.ReadWorkbook),
            "PPTX" => ReadOffice(path, type, text, OfficeText.ReadPresentation),
            "HTML" => await ReadHtmlAsync(path, text, cancellationToken),
            "ZIP" => ReadZip(path, text),
            _ => type.Category switch
            {
                FileCategory.Text or FileCategory.Spreadsheet => await ReadTextAsync(path, text, cancellationToken),
                FileCategory.Image => await ReadImageAsync(path, type, text, cancellationToken),
                FileCategory.Audio => ReadAudio(path, type),
                _ => throw new ArgumentException($"'{type.MediaType}' is not a type Atom extracts.", nameof(type)),
            },
        };
        return new ExtractedContent(text.ToString(), metadata, text.Truncated);
    }

    private async Task<Dictionary<string, string>> ReadPdfAsync(string path, CappedText text, CancellationToken cancellationToken)
    {
        // poppler rebuilds a broken cross-reference table and reads what it can, so a cut-off upload would pass as a
        // shorter document; the trailer's %%EOF, required within the last 1024 bytes, shows the file is whole.
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous))
        {
            var tail = new byte[(int)Math.Min(PdfTrailerSearchBytes, stream.Length)];
            stream.Position = stream.Length - tail.Length;
            await stream.ReadExactlyAsync(tail, cancellationToken);
            if (tail.AsSpan().IndexOf("%%EOF"u8) < 0)
            {
                throw new CorruptContentException("The PDF is truncated: it does not end with the %%EOF trailer.");
            }
        }

        var info = await RunPdfToolAsync(_options.PdfInfoPath, ["-enc", "UTF-8", path], cancellationToken);
        var metadata = new Dictionary<string, string>();
        if (info.ExitCode == 0 && info.Error.Contains("Incorrect password", StringComparison.OrdinalIgnoreCase) is false)
        {
            foreach (var line in Encoding.UTF8.GetString(info.Output).AsSpan().EnumerateLines())
            {
                var colon = line.IndexOf(':');
                var value = colon > 0 ? line[(colon + 1)..].Trim().ToString() : string.Empty;
                var key = colon > 0 ? line[..colon].ToString() : string.Empty;
                switch (key)
                {
                    case "Pages" when value.Length > 0:
                        metadata[ContentMetadataKeys.Pages] = value;
                        break;
                    case "Title" when value.Length > 0:
                        metadata[ContentMetadataKeys.Title] = value;
                        break;
                    case "Author" when value.Length > 0:
                        metadata[ContentMetadataKeys.Author] = value;
                        break;
                }
            }
        }

        var result = await RunPdfToolAsync(_options.PdfToTextPath, ["-enc", "UTF-8", path, "-"], cancellationToken);
        if (!result.OutputTruncated && result.ExitCode != 0)
        {
            if (result.Error.Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                // An encrypted PDF is a legitimate upload that cannot be indexed, not a broken one.
                metadata["encrypted"] = "true";
                return metadata;
            }

            throw new CorruptContentException($"The PDF cannot be read: {FirstLine(result.Error)}");
        }

        // pdftotext separates pages with form feeds; they read as paragraph breaks.
        text.AppendLines(LenientUtf8.GetString(result.Output).Replace('\f', '\n'));
        if (result.OutputTruncated)
        {
            text.MarkTruncated();
        }

        return metadata;
    }

    private async Task<ToolResult> RunPdfToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await ExternalTool.RunAsync(tool, arguments, _options.PdfTimeout, _options.MaxToolOutputBytes, null, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new UnsafeContentException($"The PDF could not be read within {_options.PdfTimeout.TotalSeconds:0} s.", e);
        }
    }

    private Dictionary<string, string> ReadOffice(string path, DetectedType type, CappedText text, Func<string, CappedText, Dictionary<string, string>> read)
    {
        // Office files are zips: the SDK would inflate a bomb in memory, so the archive is cleared first.
        _archives.Inspect(path);
        try
        {
            return read(path, text);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or XmlException or FileFormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new CorruptContentException($"The {type.Label} file is broken: {e.Message}", e);
        }
    }

    private async Task<Dictionary<string, string>> ReadTextAsync(string path, CappedText text, CancellationToken cancellationToken)
    {
        var (content, encoding, cut) = await ReadDecodedAsync(path, _options.MaxTextChars, cancellationToken);
        text.AppendLines(content);
        if (cut)
        {
            text.MarkTruncated();
        }

        return new Dictionary<string, string> { [ContentMetadataKeys.Encoding] = encoding };
    }

    private async Task<Dictionary<string, string>> ReadHtmlAsync(string path, CappedText text, CancellationToken cancellationToken)
    {
        // Markup outweighs visible text, so more of the page than the text cap is read.
        var (html, encoding, cut) = await ReadDecodedAsync(path, _options.MaxTextChars * 4L > int.MaxValue / 2 ? int.MaxValue / 2 : _options.MaxTextChars * 4, cancellationToken);
        var title = HtmlText.Extract(html, text);
        if (cut)
        {
            text.MarkTruncated();
        }

        var metadata = new Dictionary<string, string> { [ContentMetadataKeys.Encoding] = encoding };
        if (title is not null)
        {
            metadata[ContentMetadataKeys.Title] = title;
        }

        return metadata;
    }

    /// <summary>Decodes up to <paramref name="maxChars"/> characters: a BOM picks UTF-8 or UTF-16, else UTF-8; invalid bytes become U+FFFD.</summary>
    private static async Task<(string Text, string Encoding, bool Cut)> ReadDecodedAsync(string path, int maxChars, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, LenientUtf8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[Math.Min(maxChars + 1, 1024 * 1024)];
        var text = new StringBuilder();
        int read;
        while (text.Length <= maxChars && (read = await reader.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, maxChars + 1 - text.Length)), cancellationToken)) > 0)
        {
            text.Append(buffer, 0, read);
        }

        var cut = text.Length > maxChars;
        if (cut)
        {
            text.Length = maxChars;
        }

        var encoding = reader.CurrentEncoding switch
        {
            UnicodeEncoding u when u.GetPreamble() is [0xFE, 0xFF] => "utf-16be",
            UnicodeEncoding => "utf-16le",
            _ => "utf-8",
        };
        return (text.ToString(), encoding, cut);
    }

    private async Task<Dictionary<string, string>> ReadImageAsync(string path, DetectedType type, CappedText text, CancellationToken cancellationToken)
    {
        int width, height;
        Dictionary<string, string> metadata;
        try
        {
            (width, height, metadata) = ImageMetadata.Read(path);
        }
        catch (ImageProcessingException e)
        {
            throw new CorruptContentException($"The {type.Label} image is broken: {e.Message}", e);
        }

        if ((long)width * height > _options.MaxImagePixels)
        {
            throw new UnsafeContentException($"The image declares {width}×{height} pixels, more than the {_options.MaxImagePixels} allowed.");
        }

        if (!_options.OcrEnabled)
        {
            metadata[ContentMetadataKeys.Ocr] = "skipped";
            return metadata;
        }

        try
        {
            // One thread per tesseract: its OpenMP threads fight each other when several images are read at once.
            var result = await ExternalTool.RunAsync(
                _options.TesseractPath, [path, "stdout", "-l", _options.OcrLanguages], _options.OcrTimeout, _options.MaxToolOutputBytes,
                new Dictionary<string, string> { ["OMP_THREAD_LIMIT"] = "1" }, cancellationToken);
            if (result.ExitCode != 0 && !result.OutputTruncated)
            {
                Log.OcrFailed(_logger, path, result.ExitCode, FirstLine(result.Error));
                metadata[ContentMetadataKeys.Ocr] = "failed";
                return metadata;
            }

            text.AppendLines(LenientUtf8.GetString(result.Output).Replace('\f', '\n'));
            if (result.OutputTruncated)
            {
                text.MarkTruncated();
            }

            metadata[ContentMetadataKeys.Ocr] = "ocr";
        }
        catch (TimeoutException)
        {
            Log.OcrTimedOut(_logger, path, _options.OcrTimeout);
            metadata[ContentMetadataKeys.Ocr] = "timed-out";
        }

        return metadata;
    }

    private static Dictionary<string, string> ReadAudio(string path, DetectedType type)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        var info = type.Label switch
        {
            "WAV" => WavHeader.Read(stream),
            "MP3" => MpegAudio.Read(stream),
            "M4A" => Mp4Audio.Read(stream),
            "OGG" => OggAudio.Read(stream),
            "FLAC" => FlacAudio.Read(stream),
            "WebM" => WebmAudio.Read(stream),
            _ => null,
        };
        return info?.ToMetadata() ?? throw new CorruptContentException($"The {type.Label} file's headers are unreadable.");
    }

    private Dictionary<string, string> ReadZip(string path, CappedText text)
    {
        var report = _archives.Inspect(path);
        // The inspection has cleared the archive, so listing its (top-level) entries is safe.
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var entry in zip.Entries)
            {
                text.Append(entry.FullName);
                text.Line();
                if (text.IsFull)
                {
                    break;
                }
            }
        }

        return new Dictionary<string, string>
        {
            [ContentMetadataKeys.Entries] = report.Entries.ToString(CultureInfo.InvariantCulture),
            [ContentMetadataKeys.ExpandedBytes] = report.ExpandedBytes.ToString(CultureInfo.InvariantCulture),
            [ContentMetadataKeys.NestingDepth] = report.MaxDepth.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string FirstLine(string error)
    {
        var line = error.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }
}
