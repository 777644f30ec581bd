using System.Security.Cryptography;
using Amazon.S3.Model;
using Atom.Server.Files.Blobs;
using Atom.Server.Tests.Infrastructure;

namespace Atom.Server.Tests.Files.Blobs;

/// <summary>
/// A blob store of either kind over real storage (a temporary directory, a fresh bucket on s3rver), with a look behind the store at
/// what it really keeps, and a scratch directory for the source files a test hands it.
/// </summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly string root;
    private readonly S3BlobOptions? s3;

    private StoreUnderTest(string kind, string root, S3BlobOptions? s3)
    {
        Kind = kind;
        this.root = root;
        this.s3 = s3;
        Directory.CreateDirectory(Scratch);
        Store = Open();
    }

    /// <summary>Gets both kinds, for theories.</summary>
    public static TheoryData<string> Kinds => new("local", "s3");

    public string Kind { get; }

    public IBlobStore Store { get; private set; }

    /// <summary>Gets the local directory of the blobs (local) or of the temporary files (s3).</summary>
    public string BlobDirectory => Path.Combine(root, "blobs");

    /// <summary>Gets the store's directory of temporary files.</summary>
    public string TempDirectory => Path.Combine(BlobDirectory, ".tmp");

    /// <summary>Gets a directory for source files, outside the store.</summary>
    public string Scratch => Path.Combine(root, "scratch");

    public static StoreUnderTest Create(string kind, long partSize = S3BlobOptions.MinimumPartSize)
    {
        var root = Path.Combine(Path.GetTempPath(), "atom-blobs-" + Guid.NewGuid().ToString("N")[..8]);
        return new StoreUnderTest(kind, root, kind == "s3" ? S3Server.NewBucket(partSize) : null);
    }

    /// <summary>A store whose storage fails any IO: a file where its directory was, an endpoint nothing listens on.</summary>
    public static IBlobStore CreateBroken(string kind, string directory)
    {
        if (kind == "s3")
        {
            var options = S3Server.NewBucket();
            options.ServiceUrl = "http://127.0.0.1:9";
            return new S3BlobStore(options, directory);
        }

        var store = new LocalBlobStore(directory);
        Directory.Delete(directory, recursive: true);
        File.WriteAllText(directory, "not a directory");
        return store;
    }

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Random bytes and their address.</summary>
    public static (byte[] Bytes, string Sha256) RandomBlob(int length, int seed = 1)
    {
        var bytes = RandomBytes(length, seed);
        return (bytes, Sha256Of(bytes));
    }

    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Replaces the store with a new instance over the same storage, as a server restart does.</summary>
    public void Restart()
    {
        (Store as IDisposable)?.Dispose();
        Store = Open();
    }

    public string WriteSource(byte[] content)
    {
        var path = Path.Combine(Scratch, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }

    public async Task<byte[]> ReadAsync(string sha256, long offset = 0, long? length = null)
    {
        await using var stream = await Store.OpenReadAsync(sha256, offset, length, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Lists the blobs the storage really holds, by looking at the directory or bucket rather than asking the store.</summary>
    public async Task<IReadOnlyList<string>> StoredAsync()
    {
        if (s3 is null)
        {
            return Directory.Exists(BlobDirectory)
                ? Directory.EnumerateFiles(BlobDirectory, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(TempDirectory, StringComparison.Ordinal)).Select(f => Path.GetFileName(f)).ToList()
                : [];
        }

        using var client = S3BlobStore.CreateClient(s3);
        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s3.Bucket });
        return listing.S3Objects?.Select(o => o.Key).ToList() ?? [];
    }

    public ValueTask DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private IBlobStore Open() => s3 is null ? new LocalBlobStore(BlobDirectory) : new S3BlobStore(s3, TempDirectory);
}
