using Atom.Server.Files.Blobs;
using Atom.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Atom.Server.Tests.Files.Blobs;

/// <summary>Choosing the store from configuration, and refusing configurations that cannot work at start-up.</summary>
public sealed class BlobsServiceCollectionExtensionsTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "atom-blobs-di-" + Guid.NewGuid().ToString("N")[..8]);

    public static TheoryData<string[], string> BadConfigurations => new()
    {
        { ["Provider=ftp"], "Atom:Blobs:Provider 'ftp' is not supported" },
        { ["Provider=s3", "S3:Bucket=b1"], "Atom:Blobs:S3:ServiceUrl is empty" },
        { ["Provider=s3", "S3:ServiceUrl=http://127.0.0.1:9000"], "Atom:Blobs:S3:Bucket is empty" },
        { ["Provider=s3", "S3:ServiceUrl=127.0.0.1:9000", "S3:Bucket=b1"], "ServiceUrl '127.0.0.1:9000' is not an http or https URL" },
        { ["Provider=s3", "S3:ServiceUrl=http://127.0.0.1:9000", "S3:Bucket=b1", "S3:AccessKey=k"], "AccessKey and Atom:Blobs:S3:SecretKey go together" },
        { ["Provider=s3", "S3:ServiceUrl=http://127.0.0.1:9000", "S3:Bucket=b1", "S3:PartSize=1048576"], "PartSize 1048576 is outside" },
    };

    [Fact]
    public async Task ByDefault_TheLocalStoreKeepsBlobsUnderTheDataDirectory()
    {
        await using var provider = Build([]);

        var store = Assert.IsType<LocalBlobStore>(provider.GetRequiredService<IBlobStore>());

        Assert.Equal(Path.Combine(dataDir, "blobs"), store.Directory);
        var info = await store.PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(dataDir, "blobs", info.Sha256[..2], info.Sha256[2..4], info.Sha256)));
    }

    [Fact]
    public async Task AConfiguredDirectory_IsUsed()
    {
        var directory = Path.Combine(dataDir, "elsewhere");
        await using var provider = Build(["Provider=LOCAL", $"Directory={directory}"]);

        Assert.Equal(directory, Assert.IsType<LocalBlobStore>(provider.GetRequiredService<IBlobStore>()).Directory);
    }

    [Fact]
    public async Task TheS3Provider_StoresInTheConfiguredBucket()
    {
        var s3 = S3Server.NewBucket();
        await using var provider = Build(["Provider=s3", $"S3:ServiceUrl={s3.ServiceUrl}", $"S3:Bucket={s3.Bucket}", "S3:AccessKey=S3RVER", "S3:SecretKey=S3RVER", "S3:Prefix=blobs/"]);
        var store = Assert.IsType<S3BlobStore>(provider.GetRequiredService<IBlobStore>());

        var info = await store.PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);

        using var client = S3BlobStore.CreateClient(s3);
        var head = await client.GetObjectMetadataAsync(s3.Bucket, "blobs/" + info.Sha256);
        Assert.Equal(3, head.ContentLength);
    }

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void ABadConfiguration_FailsWhenTheServicesAreAdded_NamingTheSetting(string[] settings, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddAtomBlobs(Configuration(settings), dataDir));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static IConfiguration Configuration(string[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(kv => KeyValuePair.Create($"{BlobOptions.Section}:{kv[0]}", (string?)kv[1])))
            .Build();

    private ServiceProvider Build(string[] settings) => new ServiceCollection().AddAtomBlobs(Configuration(settings), dataDir).BuildServiceProvider();
}
