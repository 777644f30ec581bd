using System.Text;
using Atom.Server.Files.Processing;
using Atom.Server.Tests.Files.Processing.Fixtures;
using Atom.Server.Tests.Voice;

namespace Atom.Server.Tests.Files.Processing;

/// <summary>Detection from content alone, for every known type, and the files that must not pass as one.</summary>
public sealed class ContentTypeDetectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ContentTypeDetector _detector = new(new FileProcessingOptions());

    public static TheoryData<string> Labels => new(ContentTypeDetector.Known.Select(t => t.Label));

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(Labels))]
    public async Task Detects_each_known_type_from_its_bytes_under_a_meaningless_name(string label)
    {
        // Every sample is written as "upload.bin": the name must play no part.
        var path = Sample(label);

        var detected = await _detector.DetectAsync(path, CancellationToken.None);

        Assert.NotNull(detected);
        Assert.Equal(label, detected.Label);
        Assert.Same(ContentTypeDetector.Known.Single(t => t.Label == label), detected);
    }

    [Fact]
    public void Known_lists_the_twenty_types_once_each_with_their_categories()
    {
        Assert.Equal(
            ["PDF", "DOCX", "XLSX", "PPTX", "Text", "Markdown", "CSV", "JSON", "HTML", "PNG", "JPEG", "GIF", "WebP", "WAV", "MP3", "M4A", "OGG", "FLAC", "WebM", "ZIP"],
            ContentTypeDetector.Known.Select(t => t.Label));
        Assert.Equal(20, ContentTypeDetector.Known.Select(t => t.MediaType).Distinct().Count());
        Assert.Equal(FileCategory.Spreadsheet, ContentTypeDetector.Known.Single(t => t.Label == "CSV").Category);
        Assert.Equal((".m4a", "audio/mp4"), ContentTypeDetector.Known.Where(t => t.Label == "M4A").Select(t => (t.Extension, t.MediaType)).Single());
        Assert.Equal((".flac", "audio/flac", FileCategory.Audio), ContentTypeDetector.Known.Where(t => t.Label == "FLAC").Select(t => (t.Extension, t.MediaType, t.Category)).Single());
        Assert.Equal((".webm", "audio/webm", FileCategory.Audio), ContentTypeDetector.Known.Where(t => t.Label == "WebM").Select(t => (t.Extension, t.MediaType, t.Category)).Single());
    }

    [Fact]
    public async Task A_png_named_and_declared_as_a_pdf_is_a_png_that_does_not_agree()
    {
        var path = _dir.File("report.pdf", SampleFiles.Png(4, 4));

        var detected = (await _detector.DetectAsync(path, CancellationToken.None))!;

        Assert.Equal("PNG", detected.Label);
        Assert.False(ContentTypeDetector.Agrees(detected, "application/pdf"));
        Assert.True(ContentTypeDetector.Agrees(detected, "image/png"));
    }

    [Theory]
    [InlineData("JPEG", "image/jpg", true)]
    [InlineData("JPEG", "IMAGE/JPEG; q=1", true)]
    [InlineData("WAV", "audio/x-wav", true)]
    [InlineData("M4A", "audio/x-m4a", true)]
    [InlineData("M4A", "audio/mp4", true)]
    [InlineData("FLAC", "audio/flac", true)]
    [InlineData("FLAC", "audio/x-flac", true)]
    [InlineData("FLAC", "audio/ogg", false)]
    [InlineData("WebM", "audio/webm; codecs=opus", true)]
    [InlineData("WebM", "video/webm", false)]
    [InlineData("WebM", "audio/ogg", false)]
    [InlineData("ZIP", "application/x-zip-compressed", true)]
    [InlineData("CSV", "application/vnd.ms-excel", true)]
    [InlineData("Markdown", "text/plain", true)]
    [InlineData("CSV", "text/plain; charset=utf-8", true)]
    [InlineData("JSON", "text/plain", true)]
    [InlineData("HTML", "text/plain", false)]
    [InlineData("Text", "text/html", false)]
    [InlineData("DOCX", "application/zip", false)]
    [InlineData("MP3", "audio/wav", false)]
    [InlineData("PDF", "", true)]
    [InlineData("PDF", "application/octet-stream", true)]
    [InlineData("PDF", "application/unknown", false)]
    public void Agrees_accepts_aliases_and_no_claim_but_not_another_type(string label, string declared, bool agrees)
    {
        var detected = ContentTypeDetector.Known.Single(t => t.Label == label);

        Assert.Equal(agrees, ContentTypeDetector.Agrees(detected, declared));
    }

    [Fact]
    public async Task Text_with_a_nul_byte_or_invalid_utf8_is_not_text()
    {
        var nul = _dir.File("nul.txt", [.. "plain words"u8, 0, .. "more words"u8]);
        var invalid = _dir.File("latin1.txt", [.. "caf"u8, 0xE9, .. " au lait"u8]);

        Assert.Null(await _detector.DetectAsync(nul, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(invalid, CancellationToken.None));
    }

    [Fact]
    public async Task Utf16_text_with_a_byte_order_mark_is_text_despite_its_nul_bytes()
    {
        var path = _dir.File("notes.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Meeting notes, nothing more\r\n")]);

        Assert.Equal("Text", (await _detector.DetectAsync(path, CancellationToken.None))?.Label);
    }

    [Theory]
    [InlineData("Hello, world.\nSee you, then.\nBye.\n", "Text")] // commas, but not in every line
    [InlineData("a;b;c\n1;2;3\n\"x;y\";5;6\n", "CSV")]
    [InlineData("name,quote\nalice,\"said \"\"hi\"\",\nthen left\"\n", "CSV")] // quoted delimiter, quote and line break
    [InlineData("id\tname\n1\talice\n", "Text")] // tab-separated is not CSV
    [InlineData("- milk\n- eggs\n", "Text")] // a list alone is a note
    [InlineData("Intro\n\n- milk\n- eggs\n\nSee [the shop](https://example.org).\n", "Markdown")]
    [InlineData("# Title\n\nJust prose.\n", "Markdown")]
    [InlineData("Some text\n\n```\ncode\n```\n", "Markdown")]
    [InlineData("[1, 2, {\"a\": null}]", "JSON")]
    [InlineData("{\"a\": 1", "Text")] // unterminated
    [InlineData("42", "Text")] // a bare scalar
    [InlineData("[link](target) is markdown, not JSON", "Markdown")]
    [InlineData("<!-- generated -->\n<!DOCTYPE html><p>x</p>", "HTML")]
    [InlineData("<HTML lang=en><body>x</body></HTML>", "HTML")]
    [InlineData("<p>just a fragment</p>", "Text")]
    [InlineData("", "Text")]
    public async Task Text_heuristics_tell_the_text_formats_apart(string content, string label)
    {
        var path = _dir.File("upload.bin", Encoding.UTF8.GetBytes(content));

        Assert.Equal(label, (await _detector.DetectAsync(path, CancellationToken.None))?.Label);
    }

    [Fact]
    public async Task Json_nested_past_the_depth_limit_is_not_json()
    {
        var detector = new ContentTypeDetector(new FileProcessingOptions { MaxJsonDepth = 8 });
        var shallow = _dir.File("shallow.json", Encoding.UTF8.GetBytes(new string('[', 8) + new string(']', 8)));
        var deep = _dir.File("deep.json", Encoding.UTF8.GetBytes(new string('[', 9) + new string(']', 9)));

        Assert.Equal("JSON", (await detector.DetectAsync(shallow, CancellationToken.None))?.Label);
        Assert.Equal("Text", (await detector.DetectAsync(deep, CancellationToken.None))?.Label);
    }

    [Fact]
    public async Task Json_longer_than_the_sniffed_prefix_is_judged_by_the_prefix()
    {
        var detector = new ContentTypeDetector(new FileProcessingOptions { TextSniffBytes = 1024 });
        var items = string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"n\":{i},\"s\":\"é{i}\"}}"));
        var path = _dir.File("big.json", Encoding.UTF8.GetBytes($"[{items}]"));

        Assert.Equal("JSON", (await detector.DetectAsync(path, CancellationToken.None))?.Label);
    }

    [Fact]
    public async Task Containers_that_are_not_audio_and_unknown_bytes_are_unknown()
    {
        var theora = _dir.File("video.ogv", SampleFiles.OggTheora());
        var video = _dir.File("video.mp4", SampleFiles.Mp4(["isom", "mp42"], 2, "soun", "vide"));
        var lonelySync = _dir.File("noise.bin", [0xFF, 0xFB, 0x90, 0x64, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var elf = _dir.File("program", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]);

        Assert.Null(await _detector.DetectAsync(theora, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(video, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(lonelySync, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(elf, CancellationToken.None));
    }

    [Fact]
    public async Task A_zip_is_office_only_with_content_types_and_one_main_folder()
    {
        var noContentTypes = _dir.File("a.zip", SampleFiles.Zip(("word/document.xml", "<w/>")));
        var mixed = _dir.File("b.zip", SampleFiles.Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>"), ("xl/workbook.xml", "<x/>")));
        var mp3Id3 = _dir.File("c.mp3", SampleFiles.Mp3(3, id3: true));
        var mp3Bare = _dir.File("d.mp3", SampleFiles.Mp3(2, id3: false));

        Assert.Equal("ZIP", (await _detector.DetectAsync(noContentTypes, CancellationToken.None))?.Label);
        Assert.Equal("ZIP", (await _detector.DetectAsync(mixed, CancellationToken.None))?.Label);
        Assert.Equal("MP3", (await _detector.DetectAsync(mp3Id3, CancellationToken.None))?.Label);
        Assert.Equal("MP3", (await _detector.DetectAsync(mp3Bare, CancellationToken.None))?.Label);
    }

    [Fact]
    public async Task Flac_is_flac_after_an_id3_tag_and_a_declared_mp3_or_ogg_does_not_agree()
    {
        var flac = File.ReadAllBytes(AudioFixtures.Tone(_dir.Combine("tone.flac"), 0.5, 440, "-c:a", "flac"));
        var tagged = _dir.File("tagged.bin", [.. SampleFiles.Id3v2Tag(3000), .. flac]);

        var detected = await _detector.DetectAsync(tagged, CancellationToken.None);

        Assert.Equal("FLAC", detected?.Label);
        Assert.False(ContentTypeDetector.Agrees(detected!, "audio/mpeg"));
        Assert.False(ContentTypeDetector.Agrees(detected!, "audio/ogg"));
    }

    [Fact]
    public async Task A_live_webm_recording_without_sizes_or_duration_is_webm()
    {
        // What MediaRecorder writes: a Segment of unknown size, no Duration, Clusters of unknown size.
        var live = AudioFixtures.Tone(_dir.Combine("live.webm"), 1, 440, "-c:a", "libopus", "-live", "1");

        Assert.Equal("WebM", (await _detector.DetectAsync(live, CancellationToken.None))?.Label);
    }

    [Fact]
    public async Task Webm_with_video_matroska_audio_and_a_cut_off_webm_header_are_unknown()
    {
        var video = _dir.Combine("video.webm");
        AudioFixtures.Ffmpeg(
            "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5", "-f", "lavfi", "-i", "sine=duration=1",
            "-c:v", "libvpx", "-c:a", "libopus", "-shortest", video);
        var matroska = AudioFixtures.Tone(_dir.Combine("audio.mka"), 0.5, 440, "-c:a", "libopus");
        var webm = File.ReadAllBytes(AudioFixtures.Tone(_dir.Combine("audio.webm"), 0.5, 440, "-c:a", "libopus"));
        var cutInHeader = _dir.File("cut.webm", webm[..24]);
        var cutInTracks = _dir.File("cut-tracks.webm", webm[..(SampleFiles.WebmTracksOffset(webm) + 12)]);

        Assert.Equal("WebM", (await _detector.DetectAsync(_dir.File("whole.webm", webm), CancellationToken.None))?.Label);
        Assert.Null(await _detector.DetectAsync(video, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(matroska, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(cutInHeader, CancellationToken.None));
        Assert.Null(await _detector.DetectAsync(cutInTracks, CancellationToken.None));
    }

    private string Sample(string label)
    {
        var path = _dir.Combine("upload.bin");
        switch (label)
        {
            case "FLAC":
                return AudioFixtures.Tone(path, 0.5, 440, "-c:a", "flac", "-f", "flac");
            case "WebM":
                return AudioFixtures.Tone(path, 0.5, 440, "-c:a", "libopus", "-f", "webm");
            case "DOCX":
                OfficeFiles.Docx(path, "t", "Hello");
                return path;
            case "XLSX":
                OfficeFiles.Xlsx(path, ("Sheet1", [["a", "1"]]));
                return path;
            case "PPTX":
                OfficeFiles.Pptx(path, "Slide one");
                return path;
            case "JPEG":
                var pdf = _dir.File("page.pdf", PdfWriter.Write(null, ["x"]));
                File.Move(OfficeFiles.Render(pdf, "jpeg", 20), path);
                return path;
        }

        return _dir.File("upload.bin", label switch
        {
            "PDF" => PdfWriter.Write("t", ["Hello"]),
            "Text" => "Just some words.\nOn two lines.\n"u8.ToArray(),
            "Markdown" => "# Notes\n\n- one\n- two\n\nSee [docs](https://example.org/docs).\n"u8.ToArray(),
            "CSV" => "name,age,city\nalice,31,Paris\nbob,42,\"Rome, Italy\"\n"u8.ToArray(),
            "JSON" => "{\"users\": [{\"name\": \"alice\", \"tags\": [\"a\", \"b\"]}], \"count\": 1}"u8.ToArray(),
            "HTML" => "<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>"u8.ToArray(),
            "PNG" => SampleFiles.Png(8, 8),
            "GIF" => SampleFiles.Gif(1, 1),
            "WebP" => SampleFiles.WebP(16, 9),
            "WAV" => SampleFiles.Wav(8000, 1, 0.25),
            "MP3" => SampleFiles.Mp3(4, id3: true),
            "M4A" => SampleFiles.Mp4(["M4A ", "isom"], 3.5, "soun"),
            "OGG" => SampleFiles.OggVorbis(44100, 2, 2),
            "ZIP" => SampleFiles.Zip(("readme.txt", "hello"), ("docs/a.md", "# A")),
            _ => throw new ArgumentOutOfRangeException(nameof(label), label, null),
        });
    }
}
