using System.Globalization;
using System.IO.Compression;
using System.Text;
using Atom.Server.Files.Processing;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Voice;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atom.Server.Tests.Files.Processing;

/// <summary>Text and metadata from real files through the real tools: pdftotext, pdfinfo, pdftoppm, tesseract, OpenXml.</summary>
public sealed class ContentExtractorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_pdf_gives_its_text_pages_and_title_through_pdftotext()
    {
        var path = _dir.File("report.pdf", PdfWriter.Write("Quarterly (draft) report", ["Revenue grew in the third quarter."], ["Costs fell (slightly)."]));

        var content = await Extract(path, "PDF");

        Assert.Equal("Revenue grew in the third quarter.\n\nCosts fell (slightly).", content.Text);
        Assert.Equal("2", content.Metadata[ContentMetadataKeys.Pages]);
        Assert.Equal("Quarterly (draft) report", content.Metadata[ContentMetadataKeys.Title]);
        Assert.False(content.Truncated);
    }

    [Fact]
    public async Task A_truncated_or_garbled_pdf_is_corrupt()
    {
        var pdf = PdfWriter.Write(null, ["Some text"]);
        var truncated = _dir.File("truncated.pdf", pdf[..(pdf.Length * 2 / 3)]);
        var garbled = _dir.File("garbled.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\nthis is no pdf at all\n%%EOF\n"));

        var cut = await Assert.ThrowsAsync<CorruptContentException>(() => Extract(truncated, "PDF"));
        var garbage = await Assert.ThrowsAsync<CorruptContentException>(() => Extract(garbled, "PDF"));

        Assert.Contains("truncated", cut.Reason);
        Assert.StartsWith("The PDF cannot be read: ", garbage.Reason);
    }

    [Fact]
    public async Task Pdf_text_past_the_cap_is_truncated()
    {
        var path = _dir.File("long.pdf", PdfWriter.Write(null, ["The first line of the document", "and a second one"]));

        var content = await Extract(path, "PDF", new FileProcessingOptions { MaxTextChars = 9 });

        Assert.Equal(("The first", true), (content.Text, content.Truncated));
    }

    [Fact]
    public async Task Office_files_give_their_text_in_reading_order()
    {
        var docx = _dir.Combine("memo.docx");
        OfficeFiles.Docx(docx, "Memo", "Dear team,", "the offsite moves to Friday.");
        var xlsx = _dir.Combine("budget.xlsx");
        OfficeFiles.Xlsx(xlsx, ("Budget", [["Item", "Cost"], ["Venue", "1200"]]), ("Notes", [["Catering", "TRUE?"]]));
        var pptx = _dir.Combine("deck.pptx");
        OfficeFiles.Pptx(pptx, "Roadmap 2027", "Hiring plan");

        var document = await Extract(docx, "DOCX");
        var workbook = await Extract(xlsx, "XLSX");
        var deck = await Extract(pptx, "PPTX");

        Assert.Equal("Dear team,\nthe offsite moves to Friday.", document.Text);
        Assert.Equal(("Memo", "Alice"), (document.Metadata[ContentMetadataKeys.Title], document.Metadata[ContentMetadataKeys.Author]));
        Assert.Equal("Budget\n\nItem Cost\nVenue 1200\n\nNotes\n\nCatering TRUE?", workbook.Text);
        Assert.Equal("2", workbook.Metadata[ContentMetadataKeys.Sheets]);
        Assert.Equal("Roadmap 2027\n\nHiring plan", deck.Text);
        Assert.Equal("2", deck.Metadata[ContentMetadataKeys.Slides]);
    }

    [Fact]
    public async Task An_office_file_hiding_a_bomb_is_unsafe_and_a_broken_one_corrupt()
    {
        var bomb = _dir.Combine("bomb.docx");
        OfficeFiles.Docx(bomb, "t", "innocent");
        using (var zip = ZipFile.Open(bomb, ZipArchiveMode.Update))
        {
            using var entry = zip.CreateEntry("word/media/zeros.bin", CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[16 * 1024 * 1024]);
        }

        var broken = _dir.Combine("broken.docx");
        OfficeFiles.Docx(broken, "t", "fine");
        using (var zip = ZipFile.Open(broken, ZipArchiveMode.Update))
        {
            zip.GetEntry("word/document.xml")!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            writer.Write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p>");
        }

        var unsafeError = await Assert.ThrowsAsync<UnsafeContentException>(() => Extract(bomb, "DOCX"));
        var corrupt = await Assert.ThrowsAsync<CorruptContentException>(() => Extract(broken, "DOCX"));

        Assert.Contains("'word/media/zeros.bin'", unsafeError.Reason);
        Assert.StartsWith("The DOCX file is broken: ", corrupt.Reason);
    }

    [Fact]
    public async Task Text_is_decoded_by_its_byte_order_mark_with_invalid_bytes_replaced()
    {
        var utf8 = _dir.File("a.txt", [0xEF, 0xBB, 0xBF, .. "Caf\u00e9 "u8, 0xFF, .. " ok"u8]);
        var utf16 = _dir.File("b.md", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("# T\u00eete\n\ntexte")]);

        var first = await Extract(utf8, "Text");
        var second = await Extract(utf16, "Markdown");

        Assert.Equal(("Caf\u00e9 \uFFFD ok", "utf-8"), (first.Text, first.Metadata[ContentMetadataKeys.Encoding]));
        Assert.Equal(("# T\u00eete\n\ntexte", "utf-16be"), (second.Text, second.Metadata[ContentMetadataKeys.Encoding]));
    }

    [Fact]
    public async Task Html_gives_only_visible_text_with_entities_decoded()
    {
        const string html = """
            <!DOCTYPE html><html><head><title>Q3 &amp; Q4</title>
            <style>body { color: red }</style>
            <script>var secret = "<p>not text</p>"; if (a < b) { steal(); }</script></head>
            <body><!-- hidden <p>comment</p> --><h1>Hello &amp; welcome</h1>
            <p title="a>b" data-x=don't>Visible &lt;text&gt;</p><SCRIPT type="module">alert('pwned')</SCRIPT>
            <p>Caf&eacute; &#x263A; 1 < 2</p><template><p>never shown</p></template></body></html>
            """;
        var path = _dir.File("page.html", Encoding.UTF8.GetBytes(html));

        var content = await Extract(path, "HTML");

        Assert.Equal("Hello & welcome\nVisible <text>\nCaf\u00e9 \u263A 1 < 2", content.Text);
        Assert.Equal("Q3 & Q4", content.Metadata[ContentMetadataKeys.Title]);
        foreach (var hidden in new[] { "secret", "steal", "pwned", "comment", "color", "never" })
        {
            Assert.DoesNotContain(hidden, content.Text);
        }
    }

    [Fact]
    public async Task Ocr_reads_the_words_of_a_rendered_page()
    {
        var pdf = _dir.File("sign.pdf", PdfWriter.Write(null, 36, ["QUARTERLY PLANNING", "Budget review"]));
        var png = OfficeFiles.Render(pdf, "png", 150);

        var content = await Extract(png, "PNG");

        Assert.Contains("QUARTERLY PLANNING", content.Text);
        Assert.Contains("Budget review", content.Text);
        Assert.Equal(("1275", "1650", "ocr"), (content.Metadata[ContentMetadataKeys.Width], content.Metadata[ContentMetadataKeys.Height], content.Metadata[ContentMetadataKeys.Ocr]));
    }

    [Fact]
    public async Task A_jpeg_gives_its_dimensions_and_exif_camera()
    {
        var pdf = _dir.File("page.pdf", PdfWriter.Write(null, ["x"]));
        var rendered = File.ReadAllBytes(OfficeFiles.Render(pdf, "jpeg", 36));
        var path = _dir.File("photo.jpg", SampleFiles.WithExif(rendered, "Atom Optics", "Model 7"));

        var content = await Extract(path, "JPEG", new FileProcessingOptions { OcrEnabled = false });

        Assert.Equal(("306", "396"), (content.Metadata[ContentMetadataKeys.Width], content.Metadata[ContentMetadataKeys.Height]));
        Assert.Equal(("Atom Optics", "Model 7", "skipped"), (content.Metadata["exif.make"], content.Metadata["exif.model"], content.Metadata[ContentMetadataKeys.Ocr]));
        Assert.Equal(string.Empty, content.Text);
    }

    [Fact]
    public async Task Gif_and_webp_give_their_dimensions_and_a_pixel_flood_is_unsafe()
    {
        var options = new FileProcessingOptions { OcrEnabled = false };
        var gif = await Extract(_dir.File("a.gif", SampleFiles.Gif(3, 2)), "GIF", options);
        var webp = await Extract(_dir.File("b.webp", SampleFiles.WebP(640, 480)), "WebP", options);
        // 2 KiB on disk, 40 000 × 40 000 declared: a decoder would allocate 1.6 GB.
        var flood = _dir.File("flood.png", SampleFiles.Png(40_000, 40_000, pixelWidth: 1, pixelHeight: 1));

        var error = await Assert.ThrowsAsync<UnsafeContentException>(() => Extract(flood, "PNG"));

        Assert.Equal(("3", "2"), (gif.Metadata[ContentMetadataKeys.Width], gif.Metadata[ContentMetadataKeys.Height]));
        Assert.Equal(("640", "480"), (webp.Metadata[ContentMetadataKeys.Width], webp.Metadata[ContentMetadataKeys.Height]));
        Assert.Equal("The image declares 40000×40000 pixels, more than the 100000000 allowed.", error.Reason);
    }

    [Fact]
    public async Task Audio_gives_its_format_and_length_from_its_headers()
    {
        var wav = await Extract(_dir.File("a.wav", SampleFiles.Wav(16000, 1, 1.5)), "WAV");
        var mp3 = await Extract(_dir.File("b.mp3", SampleFiles.Mp3(10, id3: true)), "MP3");
        var ogg = await Extract(_dir.File("c.ogg", SampleFiles.OggVorbis(48000, 2, 2.5)), "OGG");
        var m4a = await Extract(_dir.File("d.m4a", SampleFiles.Mp4(["M4A ", "isom"], 3.25, "soun")), "M4A");

        Assert.Equal("codec=pcm channels=1 durationSeconds=1.5 sampleRate=16000 bitRate=256000", Describe(wav));
        // CBR: 10 frames of 417 bytes at 128 kbit/s.
        Assert.Equal("codec=mpeg-1 layer 3 channels=2 durationSeconds=0.261 sampleRate=44100 bitRate=128000", Describe(mp3));
        Assert.Equal("codec=vorbis channels=2 durationSeconds=2.5 sampleRate=48000", Describe(ogg));
        Assert.Equal("codec=aac channels=2 durationSeconds=3.25 sampleRate=44100", Describe(m4a));
        Assert.All([wav, mp3, ogg, m4a], c => Assert.Equal(string.Empty, c.Text));
    }

    [Fact]
    public async Task Flac_gives_its_format_and_length_from_streaminfo_also_after_an_id3_tag()
    {
        var mono = _dir.Combine("mono.flac");
        AudioFixtures.Ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=1.5:sample_rate=16000", "-ac", "1", "-c:a", "flac", mono);
        var stereo = File.ReadAllBytes(AudioFixtures.Tone(_dir.Combine("stereo.flac"), 2.5, 440, "-c:a", "flac"));

        var plain = await Extract(mono, "FLAC");
        var tagged = await Extract(_dir.File("tagged.flac", [.. SampleFiles.Id3v2Tag(100), .. stereo]), "FLAC");

        Assert.Equal("codec=flac channels=1 durationSeconds=1.5 sampleRate=16000", Describe(plain));
        Assert.Equal("codec=flac channels=2 durationSeconds=2.5 sampleRate=44100", Describe(tagged));
        Assert.Equal(string.Empty, plain.Text);
    }

    [Fact]
    public async Task Webm_gives_its_codec_and_format_and_its_length_only_when_written()
    {
        var opus = AudioFixtures.Tone(_dir.Combine("opus.webm"), 2.5, 440, "-c:a", "libopus");
        var vorbis = _dir.Combine("vorbis.webm");
        AudioFixtures.Ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=1:sample_rate=22050", "-ac", "1", "-c:a", "libvorbis", vorbis);
        // A live recording (MediaRecorder's way) cannot seek back to write its Duration.
        var live = AudioFixtures.Tone(_dir.Combine("live.webm"), 1, 440, "-c:a", "libopus", "-live", "1");

        var opusContent = await Extract(opus, "WebM");
        var vorbisContent = await Extract(vorbis, "WebM");

        // The muxer writes Duration in whole milliseconds up to the last block's end; Opus' 6.5 ms codec delay is taken from it.
        Assert.Equal("codec=opus channels=2 sampleRate=48000", Describe(opusContent, ContentMetadataKeys.DurationSeconds));
        Assert.InRange(Seconds(opusContent), 2.499, 2.503);
        Assert.Equal("codec=vorbis channels=1 sampleRate=22050", Describe(vorbisContent, ContentMetadataKeys.DurationSeconds));
        Assert.InRange(Seconds(vorbisContent), 1, 1.05);
        Assert.Equal("codec=opus channels=2 sampleRate=48000", Describe(await Extract(live, "WebM")));
    }

    [Fact]
    public async Task Flac_and_webm_with_cut_off_or_broken_headers_are_corrupt()
    {
        var flac = File.ReadAllBytes(AudioFixtures.Tone(_dir.Combine("a.flac"), 0.5, 440, "-c:a", "flac"));
        var webm = File.ReadAllBytes(AudioFixtures.Tone(_dir.Combine("a.webm"), 0.5, 440, "-c:a", "libopus"));
        var cutFlac = _dir.File("cut.flac", flac[..20]);
        var notStreamInfo = flac.ToArray();
        notStreamInfo[4] = 4; // the first block claims to be a comment
        var brokenFlac = _dir.File("broken.flac", notStreamInfo);
        var cutWebm = _dir.File("cut.webm", webm[..30]);
        var hugeTracks = webm.ToArray();
        var tracks = SampleFiles.WebmTracksOffset(webm);
        hugeTracks.AsSpan(tracks + 4, 8).Fill(0x7F); // the Tracks element claims an 8-byte size of petabytes
        hugeTracks[tracks + 4] = 0x01;
        var lyingWebm = _dir.File("lying.webm", hugeTracks);

        foreach (var (path, label) in new[] { (cutFlac, "FLAC"), (brokenFlac, "FLAC"), (cutWebm, "WebM"), (lyingWebm, "WebM") })
        {
            var error = await Assert.ThrowsAsync<CorruptContentException>(() => Extract(path, label));
            Assert.Equal($"The {label} file's headers are unreadable.", error.Reason);
        }
    }

    [Fact]
    public async Task A_zip_lists_its_entries_and_counts()
    {
        var path = _dir.File("bundle.zip", SampleFiles.Zip(("readme.txt", "hello"), ("src/main.cs", "class A {}")));

        var content = await Extract(path, "ZIP");

        Assert.Equal("readme.txt\nsrc/main.cs", content.Text);
        Assert.Equal(("2", "15", "0"), (content.Metadata[ContentMetadataKeys.Entries], content.Metadata[ContentMetadataKeys.ExpandedBytes], content.Metadata[ContentMetadataKeys.NestingDepth]));
    }

    private static double Seconds(ExtractedContent content) =>
        double.Parse(content.Metadata[ContentMetadataKeys.DurationSeconds], CultureInfo.InvariantCulture);

    private static string Describe(ExtractedContent content, string? except = null) =>
        string.Join(' ', new[] { "codec", "channels", "durationSeconds", "sampleRate", "bitRate" }
            .Where(k => k != except && content.Metadata.ContainsKey(k)).Select(k => $"{k}={content.Metadata[k]}"));

    private static Task<ExtractedContent> Extract(string path, string label, FileProcessingOptions? options = null)
    {
        options ??= new FileProcessingOptions();
        var extractor = new ContentExtractor(options, new ArchiveInspector(options), NullLogger<ContentExtractor>.Instance);
        return extractor.ExtractAsync(path, ContentTypeDetector.Known.Single(t => t.Label == label), CancellationToken.None);
    }
}
