using System.Runtime.Versioning;
using Atom.Server.Files.Blobs;

namespace Atom.Server.Tests.Files.Blobs;

/// <summary>What only the local store promises: its layout, read-only files, crash safety and copies across filesystems.</summary>
public sealed class LocalBlobStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Blobs_AreReadOnlyFiles_UnderTwoLevelsOfShards()
    {
        await using var s = StoreUnderTest.Create("local");
        var content = StoreUnderTest.RandomBytes(100);
        var sha256 = (await s.Store.PutAsync(new MemoryStream(content), None)).Sha256;

        var path = Path.Combine(s.BlobDirectory, sha256[..2], sha256[2..4], sha256);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        await using var lease = await s.Store.OpenFileAsync(sha256, None);
        Assert.Equal(path, lease.Path);
    }

    [Fact]
    public async Task APutCutShortByACrash_NeverShowsAsABlob()
    {
        await using var s = StoreUnderTest.Create("local");
        var (content, sha256) = StoreUnderTest.RandomBlob(100_000);
        // What a crash mid-put leaves: part of the bytes in a temporary file, even one named after the blob.
        File.WriteAllBytes(Path.Combine(s.TempDirectory, sha256), content[..40_000]);

        Assert.Null(await s.Store.GetInfoAsync(sha256, None));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => s.Store.OpenReadAsync(sha256, 0, null, None));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => s.Store.OpenFileAsync(sha256, None));
        Assert.Empty(await s.StoredAsync());

        s.Restart();
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
        await s.Store.PutAsync(new MemoryStream(content), None);
        Assert.Equal(content, await s.ReadAsync(sha256));
    }

    [Fact]
    public async Task PutFileAsync_FromAnotherFilesystem_CopiesAndVerifies()
    {
        // /dev/shm is a tmpfs, the blob directory is not: rename fails with EXDEV and the store copies.
        await using var s = StoreUnderTest.Create("local");
        var (content, sha256) = StoreUnderTest.RandomBlob(3_000_000);
        var good = Path.Combine("/dev/shm", "atom-blob-" + Guid.NewGuid().ToString("N"));
        var bad = good + "-bad";
        File.WriteAllBytes(good, content);
        File.WriteAllBytes(bad, content[1..]);
        try
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => s.Store.PutFileAsync(bad, sha256, None));
            Assert.Empty(await s.StoredAsync());
            Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
            Assert.Equal(content[1..], File.ReadAllBytes(bad));

            Assert.Equal(new BlobInfo(sha256, content.Length), await s.Store.PutFileAsync(good, sha256, None));
            Assert.False(File.Exists(good));
            Assert.Equal(content, await s.ReadAsync(sha256));
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }
    }
}
