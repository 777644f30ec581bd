using System.IO.Compression;
using Atom.Server.Files.Processing;
using Atom.Server.Tests.Files.Processing.Fixtures;

namespace Atom.Server.Tests.Files.Processing;

/// <summary>Zip bombs of each kind are refused with the limit and the entry named; honest zips are counted exactly.</summary>
public sealed class ArchiveInspectorTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_honest_zip_with_a_nested_zip_is_counted_from_its_decompressed_bytes()
    {
        var inner = SampleFiles.Zip(("inner.txt", "12345"));
        var path = _dir.File("honest.zip", Build(("a.txt", "hello"u8.ToArray()), ("dir/b.txt", new byte[1000]), ("nested.zip", inner)));

        var report = new ArchiveInspector(new FileProcessingOptions()).Inspect(path);

        Assert.Equal(new ArchiveReport(4, 5 + 1000 + inner.Length + 5, 1), report);
    }

    [Fact]
    public void A_200_MB_entry_of_zeros_is_refused_for_its_ratio_or_its_expanded_size()
    {
        var path = _dir.Combine("bomb.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var entry = archive.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[MiB];
            for (var i = 0; i < 200; i++)
            {
                entry.Write(zeros);
            }
        }

        Assert.True(new FileInfo(path).Length < MiB, "the bomb is small on disk");

        var byRatio = Assert.Throws<UnsafeContentException>(() => new ArchiveInspector(new FileProcessingOptions()).Inspect(path));
        Assert.Contains("'zeros.bin'", byRatio.Reason);
        Assert.Contains("expands more than 100 times", byRatio.Reason);

        var bySize = Assert.Throws<UnsafeContentException>(() =>
            new ArchiveInspector(new FileProcessingOptions { MaxCompressionRatio = double.MaxValue, MaxExpandedBytes = 100L * MiB }).Inspect(path));
        Assert.Equal($"The archive expands to more than {100L * MiB} bytes (limit reached in 'zeros.bin').", bySize.Reason);
    }

    [Fact]
    public void A_nested_bomb_is_refused_at_the_leaf_that_inflates_with_its_full_path()
    {
        // 42.zip's shape: copies of a zip of copies of a zip of highly compressed zeros.
        var leaf = Build(("zeros.bin", new byte[8 * MiB]));
        var middle = Build(Enumerable.Range(0, 8).Select(i => ($"l2-{i}.zip", leaf)).ToArray());
        var path = _dir.File("nested-bomb.zip", Build(Enumerable.Range(0, 8).Select(i => ($"l1-{i}.zip", middle)).ToArray()));

        var error = Assert.Throws<UnsafeContentException>(() => new ArchiveInspector(new FileProcessingOptions()).Inspect(path));

        Assert.StartsWith("Entry 'l1-0.zip!/l2-0.zip!/zeros.bin' expands more than 100 times", error.Reason);
    }

    [Fact]
    public void Expanded_bytes_add_up_across_nested_zips_whose_entries_each_look_harmless()
    {
        // Each leaf is 1 MiB, at the ratio threshold, so only the sum over 64 of them gives the bomb away.
        var leaf = Build(("zeros.bin", new byte[MiB]));
        var middle = Build(Enumerable.Range(0, 8).Select(i => ($"l2-{i}.zip", leaf)).ToArray());
        var path = _dir.File("wide.zip", Build(Enumerable.Range(0, 8).Select(i => ($"l1-{i}.zip", middle)).ToArray()));
        var options = new FileProcessingOptions { MaxExpandedBytes = 40L * MiB };

        var error = Assert.Throws<UnsafeContentException>(() => new ArchiveInspector(options).Inspect(path));

        Assert.StartsWith($"The archive expands to more than {40L * MiB} bytes (limit reached in 'l1-", error.Reason);
        var report = new ArchiveInspector(new FileProcessingOptions()).Inspect(path);
        Assert.Equal((8 + 64 + 64, 2), (report.Entries, report.MaxDepth));
        Assert.True(report.ExpandedBytes > 64L * MiB);
    }

    [Fact]
    public void Zips_nested_past_the_depth_limit_are_refused()
    {
        var zip = SampleFiles.Zip(("core.txt", "deep"));
        for (var level = 3; level >= 1; level--)
        {
            zip = Build(($"level{level}.zip", zip));
        }

        var path = _dir.File("deep.zip", zip);

        var error = Assert.Throws<UnsafeContentException>(() => new ArchiveInspector(new FileProcessingOptions { MaxNestingDepth = 2 }).Inspect(path));
        Assert.Equal("Entry 'level1.zip!/level2.zip!/level3.zip' is a zip nested 3 deep; at most 2 level(s) of nesting are allowed.", error.Reason);
        Assert.Equal(3, new ArchiveInspector(new FileProcessingOptions { MaxNestingDepth = 3 }).Inspect(path).MaxDepth);
    }

    [Fact]
    public void Too_many_entries_are_refused_at_the_first_one_past_the_limit()
    {
        var path = _dir.File("many.zip", SampleFiles.Zip(Enumerable.Range(0, 30).Select(i => ($"f{i:D2}.txt", "x")).ToArray()));

        var error = Assert.Throws<UnsafeContentException>(() => new ArchiveInspector(new FileProcessingOptions { MaxArchiveEntries = 20 }).Inspect(path));

        Assert.Equal("The archive has more than 20 entries (limit reached at 'f20.txt').", error.Reason);
    }

    [Fact]
    public void A_zip_without_its_central_directory_or_with_damaged_data_is_corrupt()
    {
        var zip = Build(("text.txt", System.Text.Encoding.ASCII.GetBytes(string.Join(' ', Enumerable.Range(0, 5000)))));
        var truncated = _dir.File("truncated.zip", zip[..(zip.Length - 40)]);
        var damaged = zip.ToArray();
        for (var i = 60; i < 120; i++)
        {
            damaged[i] ^= 0x5A; // inside the deflated data of the only entry
        }

        var inspector = new ArchiveInspector(new FileProcessingOptions());
        Assert.StartsWith("The zip is broken", Assert.Throws<CorruptContentException>(() => inspector.Inspect(truncated)).Reason);
        Assert.StartsWith("Entry 'text.txt' of the zip is broken", Assert.Throws<CorruptContentException>(() => inspector.Inspect(_dir.File("damaged.zip", damaged))).Reason);
    }

    private static byte[] Build(params (string Name, byte[] Content)[] entries)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(content);
            }
        }

        return zip.ToArray();
    }
}
