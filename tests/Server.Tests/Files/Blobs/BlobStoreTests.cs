using Atom.Server.Files.Blobs;

namespace Atom.Server.Tests.Files.Blobs;

/// <summary>The <see cref="IBlobStore"/> contract, run against both stores over real storage.</summary>
public sealed class BlobStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<string, int> KindsAndSizes => new()
    {
        { "local", 0 }, { "local", 1 }, { "local", 300_000 },
        { "s3", 0 }, { "s3", 1 }, { "s3", 300_000 },
    };

    public static TheoryData<string> Kinds => StoreUnderTest.Kinds;

    public static TheoryData<string, string> KindsAndMalformedAddresses
    {
        get
        {
            var data = new TheoryData<string, string>();
            var valid = StoreUnderTest.Sha256Of([1, 2, 3]);
            string[] malformed = ["../etc/passwd", "../../" + valid[6..], valid.ToUpperInvariant(), valid[..63], valid + "0", string.Empty, valid[..62] + "/x", valid[..63] + "g", " " + valid[1..]];
            foreach (var kind in new[] { "local", "s3" })
            {
                foreach (var address in malformed)
                {
                    data.Add(kind, address);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndSizes))]
    public async Task PutAsync_StoresTheExactBytes_UnderTheirSha256(string kind, int size)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(size);

        var info = await s.Store.PutAsync(new MemoryStream(content), None);

        Assert.Equal(new BlobInfo(StoreUnderTest.Sha256Of(content), size), info);
        Assert.Equal(info, await s.Store.GetInfoAsync(info.Sha256, None));
        Assert.Equal(content, await s.ReadAsync(info.Sha256));
        Assert.Equal([info.Sha256], await s.StoredAsync());
    }

    [Theory]
    [MemberData(nameof(KindsAndSizes))]
    public async Task PutFileAsync_StoresTheExactBytes_AndTakesTheFile(string kind, int size)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(size);
        var source = s.WriteSource(content);
        var sha256 = StoreUnderTest.Sha256Of(content);

        var info = await s.Store.PutFileAsync(source, sha256, None);

        Assert.Equal(new BlobInfo(sha256, size), info);
        Assert.False(File.Exists(source));
        Assert.Equal(content, await s.ReadAsync(sha256));
        Assert.Equal([sha256], await s.StoredAsync());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SameContentTwice_IsStoredOnce_AndTheSecondSourceFileIsRemoved(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var (content, sha256) = StoreUnderTest.RandomBlob(10_000);

        var first = await s.Store.PutAsync(new MemoryStream(content), None);
        var second = await s.Store.PutAsync(new MemoryStream(content), None);
        var source = s.WriteSource(content);
        var third = await s.Store.PutFileAsync(source, sha256, None);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.False(File.Exists(source));
        Assert.Equal([sha256], await s.StoredAsync());
        Assert.Equal(content, await s.ReadAsync(sha256));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OpenReadAsync_ReturnsTheRange_ClippedAtTheEnd(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(1000);
        var sha256 = (await s.Store.PutAsync(new MemoryStream(content), None)).Sha256;

        // (0, 1) matters on s3rver: it answers "bytes=0-0" with the whole object.
        Assert.Equal(content[..1], await s.ReadAsync(sha256, 0, 1));
        Assert.Equal(content[..10], await s.ReadAsync(sha256, 0, 10));
        Assert.Equal(content[400..500], await s.ReadAsync(sha256, 400, 100));
        Assert.Equal(content[990..], await s.ReadAsync(sha256, 990, null));
        Assert.Equal(content[999..], await s.ReadAsync(sha256, 999, 1));
        Assert.Equal(content[995..], await s.ReadAsync(sha256, 995, 100));
        Assert.Equal(content, await s.ReadAsync(sha256, 0, long.MaxValue));
        Assert.Empty(await s.ReadAsync(sha256, 1000, null));
        Assert.Empty(await s.ReadAsync(sha256, 500, 0));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OpenReadAsync_RejectsOffsetsPastTheEndAndNegativeValues(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var sha256 = (await s.Store.PutAsync(new MemoryStream(StoreUnderTest.RandomBytes(100)), None)).Sha256;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Store.OpenReadAsync(sha256, 101, null, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Store.OpenReadAsync(sha256, 5000, 1, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Store.OpenReadAsync(sha256, -1, null, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Store.OpenReadAsync(sha256, 0, -1, None));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PutFileAsync_WithTheWrongSha256_IsRefused_AndStoresNothing(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(5000);
        var source = s.WriteSource(content);
        var wrong = StoreUnderTest.Sha256Of([.. content, 0]);

        await Assert.ThrowsAsync<InvalidDataException>(() => s.Store.PutFileAsync(source, wrong, None));

        Assert.Empty(await s.StoredAsync());
        Assert.Null(await s.Store.GetInfoAsync(wrong, None));
        Assert.Equal(content, File.ReadAllBytes(source));
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PutFileAsync_WithTheSha256OfAStoredBlob_ButOtherBytes_IsRefused(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var stored = await s.Store.PutAsync(new MemoryStream(StoreUnderTest.RandomBytes(5000, seed: 1)), None);
        var other = StoreUnderTest.RandomBytes(5000, seed: 2);
        var source = s.WriteSource(other);

        await Assert.ThrowsAsync<InvalidDataException>(() => s.Store.PutFileAsync(source, stored.Sha256, None));

        Assert.Equal(other, File.ReadAllBytes(source));
        Assert.Equal(StoreUnderTest.RandomBytes(5000, seed: 1), await s.ReadAsync(stored.Sha256));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MissingBlob_IsNotFound(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var missing = StoreUnderTest.Sha256Of([42]);

        Assert.Null(await s.Store.GetInfoAsync(missing, None));
        var read = await Assert.ThrowsAsync<BlobNotFoundException>(() => s.Store.OpenReadAsync(missing, 0, null, None));
        Assert.Equal(missing, read.Sha256);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => s.Store.OpenFileAsync(missing, None));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DeleteAsync_RemovesTheBlob_AndIsIdempotent(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var kept = await s.Store.PutAsync(new MemoryStream(StoreUnderTest.RandomBytes(100, seed: 1)), None);
        var deleted = await s.Store.PutAsync(new MemoryStream(StoreUnderTest.RandomBytes(100, seed: 2)), None);

        await s.Store.DeleteAsync(deleted.Sha256, None);
        await s.Store.DeleteAsync(deleted.Sha256, None);
        await s.Store.DeleteAsync(StoreUnderTest.Sha256Of([7]), None);

        Assert.Null(await s.Store.GetInfoAsync(deleted.Sha256, None));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => s.Store.OpenReadAsync(deleted.Sha256, 0, null, None));
        Assert.Equal([kept.Sha256], await s.StoredAsync());
    }

    [Theory]
    [MemberData(nameof(KindsAndMalformedAddresses))]
    public async Task MalformedSha256_IsRejected_BeforeAnyIo(string kind, string address)
    {
        // Storage that fails any IO: a store that touched it would throw something other than ArgumentException.
        await using var s = StoreUnderTest.Create(kind);
        var store = StoreUnderTest.CreateBroken(kind, Path.Combine(s.Scratch, "broken"));
        var source = s.WriteSource([1, 2, 3]);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutFileAsync(source, address, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(address, 0, null, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetInfoAsync(address, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(address, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenFileAsync(address, None));
        Assert.True(File.Exists(source));
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task BrokenStorage_FailsWithoutArgumentException(string kind)
    {
        // The other half of the test above: the broken stores really do fail when a valid address makes them do IO.
        await using var s = StoreUnderTest.Create(kind);
        var store = StoreUnderTest.CreateBroken(kind, Path.Combine(s.Scratch, "broken"));

        var error = await Record.ExceptionAsync(() => store.OpenReadAsync(StoreUnderTest.Sha256Of([1]), 0, null, None));

        Assert.NotNull(error);
        Assert.IsNotAssignableFrom<ArgumentException>(error);
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A20MegabyteBlob_RoundTrips_ThroughParts(string kind)
    {
        await using var s = StoreUnderTest.Create(kind, partSize: S3BlobOptions.MinimumPartSize);
        var (content, sha256) = StoreUnderTest.RandomBlob(20_000_000);

        var fromStream = await s.Store.PutAsync(new MemoryStream(content), None);
        Assert.Equal(new BlobInfo(sha256, content.Length), fromStream);
        Assert.Equal(sha256, StoreUnderTest.Sha256Of(await s.ReadAsync(sha256)));
        Assert.Equal(content[12_345_678..12_400_000], await s.ReadAsync(sha256, 12_345_678, 12_400_000 - 12_345_678));
        await s.Store.DeleteAsync(sha256, None);
        var fromFile = await s.Store.PutFileAsync(s.WriteSource(content), sha256, None);
        Assert.Equal(fromStream, fromFile);
        Assert.Equal(sha256, StoreUnderTest.Sha256Of(await s.ReadAsync(sha256)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A20MegabyteFile_WithTheWrongSha256_IsRefused_AndStoresNothing(string kind)
    {
        await using var s = StoreUnderTest.Create(kind, partSize: S3BlobOptions.MinimumPartSize);
        var content = StoreUnderTest.RandomBytes(20_000_000);
        var wrong = StoreUnderTest.Sha256Of(content[1..]);
        var source = s.WriteSource(content);

        await Assert.ThrowsAsync<InvalidDataException>(() => s.Store.PutFileAsync(source, wrong, None));

        Assert.Empty(await s.StoredAsync());
        Assert.True(File.Exists(source));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OpenFileAsync_GivesAFileWithTheBytes_AndTheLeaseCleansUp(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(70_000);
        var sha256 = (await s.Store.PutAsync(new MemoryStream(content), None)).Sha256;

        string path;
        await using (var lease = await s.Store.OpenFileAsync(sha256, None))
        {
            path = lease.Path;
            Assert.Equal(content, await File.ReadAllBytesAsync(path));
        }

        if (kind == "s3")
        {
            Assert.False(File.Exists(path));
            Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
        }
        else
        {
            // The local lease is the blob itself: disposing it must leave the blob alone.
            Assert.Equal(content, await s.ReadAsync(sha256));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AStreamThatFailsMidway_LeavesNoBlob_AndNoTemporaryFile(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        // Past one part, so that the s3 store has begun spooling to disk when the stream fails.
        var failing = new FailingStream(StoreUnderTest.RandomBytes(6_000_000), failAfter: 5_500_000);

        await Assert.ThrowsAsync<IOException>(() => s.Store.PutAsync(failing, None));

        Assert.Empty(await s.StoredAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TemporaryLeftovers_AreRemovedAtStartUp(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var content = StoreUnderTest.RandomBytes(3000);
        File.WriteAllBytes(Path.Combine(s.TempDirectory, "crashed-put"), content[..1000]);
        Directory.CreateDirectory(Path.Combine(s.TempDirectory, "stray"));

        s.Restart();

        Assert.Empty(Directory.EnumerateFileSystemEntries(s.TempDirectory));
        var info = await s.Store.PutAsync(new MemoryStream(content), None);
        Assert.Equal(content, await s.ReadAsync(info.Sha256));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConcurrentPutsOfTheSameContent_AllSucceed_WithOneBlob(string kind)
    {
        await using var s = StoreUnderTest.Create(kind);
        var (content, sha256) = StoreUnderTest.RandomBlob(200_000);
        var sources = Enumerable.Range(0, 4).Select(_ => s.WriteSource(content)).ToList();

        var puts = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => Task.Run(() => s.Store.PutAsync(new MemoryStream(content), None)))
                .Concat(sources.Select(source => Task.Run(() => s.Store.PutFileAsync(source, sha256, None)))));

        Assert.All(puts, info => Assert.Equal(new BlobInfo(sha256, content.Length), info));
        Assert.Equal([sha256], await s.StoredAsync());
        Assert.All(sources, source => Assert.False(File.Exists(source)));
        Assert.Equal(content, await s.ReadAsync(sha256));
    }

    /// <summary>Gives some bytes, then fails like a dropped upload connection.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= failAfter)
            {
                throw new IOException("connection dropped");
            }

            var read = Math.Min(count, Math.Min(failAfter, content.Length) - position);
            content.AsSpan(position, read).CopyTo(buffer.AsSpan(offset));
            position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
