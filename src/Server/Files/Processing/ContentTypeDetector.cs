using System.IO.Compression;
using Atom.Server.Files.Processing.Internal;

namespace Atom.Server.Files.Processing;

/// <summary>
/// Detects a file's type from its content alone (magic numbers, the parts of a zip, text heuristics), never from its name,
/// so that a file cannot pass as a type it is not. The text heuristics are those of <c>Internal/TextSniffer</c>.
/// </summary>
public sealed class ContentTypeDetector
{
    private const int HeadBytes = 64 * 1024;
    private readonly FileProcessingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ContentTypeDetector"/> class.</summary>
    /// <param name="options">The limits, of which the detector uses the text sniffing ones.</param>
    public ContentTypeDetector(FileProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Gets every type Atom knows, for error messages and tenants' allow-lists.</summary>
    public static IReadOnlyList<DetectedType> Known => KnownTypes.All;

    /// <summary>
    /// Whether a client's declared media type agrees with the detected one. Media type parameters (<c>; charset=...</c>)
    /// and case are ignored; an empty declaration or <c>application/octet-stream</c> claims nothing and so agrees. Aliases
    /// that browsers and systems really send agree (<c>image/jpg</c>, <c>audio/x-wav</c>, <c>audio/x-m4a</c>,
    /// <c>application/x-zip-compressed</c>, <c>application/vnd.ms-excel</c> for CSV, ...). <c>text/plain</c> agrees with
    /// Markdown, CSV and JSON, which are plain text to tools that do not know them, but not with HTML, whose content is active.
    /// </summary>
    /// <param name="detected">What <see cref="DetectAsync"/> found.</param>
    /// <param name="declaredMediaType">What the client said the file is.</param>
    /// <returns>Whether the declaration is consistent with the content.</returns>
    public static bool Agrees(DetectedType detected, string declaredMediaType)
    {
        ArgumentNullException.ThrowIfNull(detected);
        var declared = (declaredMediaType ?? string.Empty).Split(';', 2)[0].Trim();
        if (declared.Length == 0 || declared.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (KnownTypes.ByMediaType(declared) is { } named && named == detected)
        {
            return true;
        }

        return declared.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            && (detected == KnownTypes.Markdown || detected == KnownTypes.Csv || detected == KnownTypes.Json);
    }

    /// <summary>Detects the type of the file at <paramref name="path"/> from its bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The type, or null when it is none Atom knows.</returns>
    public async Task<DetectedType?> DetectAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.RandomAccess);
        var headLength = (int)Math.Min(stream.Length, Math.Max(HeadBytes, _options.TextSniffBytes));
        var head = new byte[headLength];
        await stream.ReadExactlyAsync(head, cancellationToken);
        return DetectBinary(stream, head) ?? DetectText(head, complete: headLength == stream.Length);
    }

    private static DetectedType? DetectBinary(FileStream stream, ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return KnownTypes.Pdf;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return KnownTypes.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return KnownTypes.Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return KnownTypes.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return KnownTypes.WebP;
        }

        if (WavHeader.IsWave(head))
        {
            return KnownTypes.Wav;
        }

        if (head.StartsWith("OggS"u8))
        {
            return OggAudio.AudioCodec(head) is null ? null : KnownTypes.Ogg;
        }

        if (WebmAudio.IsEbml(head))
        {
            // A WebM with a video track is a video, not a voice recording: unknown rather than mislabelled.
            return WebmAudio.IsAudio(stream) ? KnownTypes.WebM : null;
        }

        // Before MP3: a FLAC file may start with an ID3v2 tag too.
        if (FlacAudio.IsFlac(stream))
        {
            return KnownTypes.Flac;
        }

        if (Mp4Audio.HasFtyp(head))
        {
            return Mp4Audio.IsAudio(stream) ? KnownTypes.M4a : null;
        }

        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
        {
            return ZipFlavour(stream);
        }

        // Last among the binary signatures: a frame sync is two bytes, the weakest magic number here.
        return MpegAudio.IsMp3(stream) ? KnownTypes.Mp3 : null;
    }

    private static DetectedType ZipFlavour(FileStream stream)
    {
        try
        {
            stream.Position = 0;
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            bool contentTypes = false, word = false, excel = false, powerPoint = false;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName;
                contentTypes |= name == "[Content_Types].xml";
                word |= name.StartsWith("word/", StringComparison.Ordinal);
                excel |= name.StartsWith("xl/", StringComparison.Ordinal);
                powerPoint |= name.StartsWith("ppt/", StringComparison.Ordinal);
            }

            // An OOXML package has exactly one of the three main folders; several means a zip that merely holds such folders.
            return (contentTypes, word, excel, powerPoint) switch
            {
                (true, true, false, false) => KnownTypes.Docx,
                (true, false, true, false) => KnownTypes.Xlsx,
                (true, false, false, true) => KnownTypes.Pptx,
                _ => KnownTypes.Zip,
            };
        }
        catch (InvalidDataException)
        {
            // It says it is a zip; that it is a broken one is for the inspector to report, with a reason.
            return KnownTypes.Zip;
        }
    }

    private DetectedType? DetectText(byte[] head, bool complete)
    {
        var sample = head.AsSpan(0, Math.Min(head.Length, _options.TextSniffBytes));
        complete &= sample.Length == head.Length;
        return TextSniffer.Decode(sample, complete) is { } decoded
            ? TextSniffer.Classify(decoded.Text, complete, _options.MaxJsonDepth)
            : null;
    }
}
